/**
 * Turns a portal path into the absolute URL a mail can carry: mail is read outside the browser, where
 * "/my/entries/12" leads nowhere. The base is PUBLIC_URL (config.ts), which may include a path prefix.
 */
export type LinkTo = (path: string) => string;

export function linkTo(publicUrl: string): LinkTo {
  const base = publicUrl.replace(/\/+$/, '');
  return (path) => `${base}${path.startsWith('/') ? path : `/${path}`}`;
}
