import * as client from 'openid-client';
import type { Clock } from '../../clock.js';
import type { OidcSettings } from '../../config.js';

/** What a login through the issuer hands back: who the issuer says it is, and what logout needs. */
export type OidcIdentity = { issuer: string; subject: string; idToken: string };

/** What a started login keeps in the session until the issuer sends the browser back (state, nonce, PKCE). */
export type OidcPending = {
  state: string; nonce: string; codeVerifier: string; next: string | null; startedAt: string;
  /** The invitation link this sign-in accepts (its token), when it started from one. */
  invitation?: string;
};

/**
 * The portal as a relying party of the association's issuer, through openid-client: the authorization
 * code flow with PKCE, `state` and `nonce` checked, the ID token validated against the issuer's keys
 * (openid-client does all of that in authorizationCodeGrant). The issuer's metadata is fetched once,
 * on first use, and again after a failure. Plain http is allowed only for an issuer on loopback (the
 * tests' own issuer); anything else must be https.
 */
export function oidcClient(settings: OidcSettings, redirectUri: string, clock: Clock) {
  let discovered: Promise<client.Configuration> | undefined;
  const issuerUrl = new URL(settings.issuer);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuerUrl.hostname);
  const insecure = loopback && issuerUrl.protocol === 'http:';
  /**
   * The discovered issuer, with the portal's clock: the ID token's times (exp, iat) are judged by it,
   * as every other time here is. Made for each use from the metadata fetched once (no request).
   */
  const configurationNow = async () => {
    const config = new client.Configuration((await configuration()).serverMetadata(), settings.clientId, {
      [client.clockSkew]: Math.round((clock.now().getTime() - Date.now()) / 1000),
    }, client.ClientSecretBasic(settings.clientSecret));
    if (insecure) client.allowInsecureRequests(config);
    return config;
  };
  const configuration = () => {
    discovered ??= client.discovery(issuerUrl, settings.clientId, undefined, client.ClientSecretBasic(settings.clientSecret), {
      execute: insecure ? [client.allowInsecureRequests] : [],
    }).catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    return discovered;
  };

  return {
    /** Where to send the browser to sign in, and what to keep for its return. */
    async start(next: string | null, now: Date, invitation?: string): Promise<{ url: string; pending: OidcPending }> {
      const config = await configuration();
      const pending: OidcPending = {
        state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(), next, startedAt: now.toISOString(),
        ...(invitation === undefined ? {} : { invitation }),
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri, scope: 'openid', state: pending.state, nonce: pending.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier), code_challenge_method: 'S256',
      });
      return { url: url.href, pending };
    },

    /** The issuer's answer at the callback, checked against what the start kept; throws when anything is off. */
    async finish(callbackUrl: URL, pending: OidcPending): Promise<OidcIdentity> {
      const config = await configurationNow();
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      return { issuer: claims.iss, subject: claims.sub, idToken: tokens.id_token! };
    },

    /** The issuer's end-session address, where it has one, returning to the portal's top page. */
    async endSessionUrl(idToken: string, returnTo: string): Promise<string | undefined> {
      const config = await configuration();
      if (!config.serverMetadata().end_session_endpoint) return undefined;
      return client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: returnTo }).href;
    },
  };
}

export type OidcClient = ReturnType<typeof oidcClient>;
