/** Logs in through the login form, as a browser does; returns the session cookie for the pages only members see. */
export async function login(port: number, loginId: string, password: string): Promise<string> {
  const page = await fetch(`http://127.0.0.1:${port}/login`);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`http://127.0.0.1:${port}/login`, {
    method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, login_id: loginId, password }).toString(),
  });
  if (res.status !== 302) throw new Error(`bench login as ${loginId} answered ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}
