import helmet from 'helmet';

/**
 * Security headers. The CSP allows scripts and styles from the portal itself only: no inline script,
 * no CDN (municipalities reach the portal from closed networks, LGWAN, where nothing else loads anyway).
 * upgrade-insecure-requests is left out because intranet installations may serve plain HTTP.
 * `formTargets`: other origins a form may end at (the OpenID Connect issuer, issue 24).
 */
export function securityHeaders(options: { formTargets?: string[] } = {}) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        // Chromium applies form-action to a form's redirects too: logout's POST ends at the
        // association's issuer (its end-session endpoint) where one is configured.
        formAction: ["'self'", ...(options.formTargets ?? [])],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
  });
}
