import helmet from 'helmet';

/**
 * Security headers. The CSP allows scripts and styles from the portal itself only: no inline script,
 * no CDN (municipalities reach the portal from closed networks, LGWAN, where nothing else loads anyway).
 * upgrade-insecure-requests is left out because intranet installations may serve plain HTTP.
 */
export function securityHeaders() {
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
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
  });
}
