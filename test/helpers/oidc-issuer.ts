import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import request from 'supertest';

export const OIDC_CLIENT = { clientId: 'applic-portal', clientSecret: 'portal-secret-for-the-tests-only-0123456789' };

/**
 * A real OpenID Connect issuer on loopback (oidc-provider), as the association's would be: one client
 * (the portal, at `portalUrl`), PKCE required, and its development sign-in page, where any subject
 * typed in is signed in. Consent is taken as given, as an association's own portal would configure it.
 */
export async function startIssuer(portalUrl: string): Promise<{ url: string; close(): Promise<void>; signIn(authorizationUrl: string, subject: string): Promise<string> }> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(url, {
    clients: [{
      client_id: OIDC_CLIENT.clientId, client_secret: OIDC_CLIENT.clientSecret,
      redirect_uris: [`${portalUrl}/auth/oidc/callback`], post_logout_redirect_uris: [`${portalUrl}/`],
      grant_types: ['authorization_code'], response_types: ['code'],
    }],
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    pkce: { required: () => true },
    cookies: { keys: ['issuer-cookie-key-for-the-tests'] },
    // Its own signing key, made here (the issuer's keys are what the portal validates ID tokens against).
    jwks: { keys: [crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async loadExistingGrant(ctx: { oidc: { client: { clientId: string }; session: { accountId: string }; provider: Provider } }) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid');
      await grant.save();
      return grant;
    },
  });
  server.on('request', provider.callback());

  return {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    /** A person at the issuer's sign-in page as `subject`: returns where the issuer sends the browser back to. */
    async signIn(authorizationUrl, subject) {
      const browser = request.agent(url);
      let location = authorizationUrl.replace(url, '');
      for (let step = 0; step < 10; step++) {
        if (location.startsWith(portalUrl)) return location;
        const target = location.replace(url, '');
        if (/^\/interaction\/[^/?]+$/.test(target)) {
          const res = await browser.post(target).type('form').send({ prompt: 'login', login: subject });
          location = String(res.headers.location);
        } else {
          const res = await browser.get(target);
          if (res.status < 300 || res.status >= 400) throw new Error(`the issuer answered ${res.status} at ${target}: ${res.text.slice(0, 300)}`);
          location = String(res.headers.location);
        }
      }
      throw new Error('the issuer did not send the browser back');
    },
  };
}
