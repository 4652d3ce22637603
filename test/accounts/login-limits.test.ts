import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { csrfFrom, login } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

type Portal = ReturnType<typeof createTestPortal>;

/** A login form's token for a fresh visitor, fetched first so that the POSTs can leave together. */
async function preparedLogin(app: Portal['app'], loginId: string, password: string, forwardedFor?: string) {
  const agent = request.agent(app);
  const page = await agent.get('/login');
  const form = { _csrf: csrfFrom(page.text, '/login'), login_id: loginId, password };
  return () => {
    const post = agent.post('/login').type('form');
    return (forwardedFor ? post.set('X-Forwarded-For', forwardedFor) : post).send(form);
  };
}

const reasons = (db: Portal['db']) =>
  db.prepare('SELECT reason, count(*) AS n FROM login_events GROUP BY reason').all().reduce<Record<string, number>>(
    (all, row) => ({ ...all, [(row as { reason: string }).reason]: (row as { n: number }).n }), {});

describe('login limits under simultaneous attempts (issue 15.2)', () => {
  it('25 simultaneous logins for one ID, 24 wrong and 1 right › at most 5 reach the password check, the rest are refused as locked', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'municipality');
    const sends = await Promise.all([
      ...Array.from({ length: 12 }, () => preparedLogin(app, user.loginId, 'wrong-guess')),
      preparedLogin(app, user.loginId, PASSWORD),
      ...Array.from({ length: 12 }, () => preparedLogin(app, user.loginId, 'wrong-guess')),
    ]);
    const statuses = (await Promise.all(sends.map((send) => send()))).map((r) => r.status);

    const checked = statuses.filter((s) => s === 401 || s === 302).length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25 - checked);
    const counted = reasons(db);
    expect((counted.bad_credentials ?? 0) + (counted.ok ?? 0)).toBe(checked);
    expect(counted.locked).toBe(25 - checked);
  });

  it('40 simultaneous failures from one address against a limit of 30 › exactly 30 are checked, 10 get 429', async () => {
    const { app, db } = createTestPortal({ ipThrottle: { maxFailures: 30, windowMs: 15 * 60_000 } });
    const sends = await Promise.all(Array.from({ length: 40 }, (_, i) => preparedLogin(app, `guess-${i}`, 'wrong')));
    const statuses = (await Promise.all(sends.map((send) => send()))).map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    expect(reasons(db)).toEqual({ bad_credentials: 30, ip_throttled: 10 });
  });
});

describe('the per-address limit does not lock out a city hall (issue 15.3)', () => {
  it('more first logins at once than the limit, all with the right password › every one gets in (attempts being checked are not failures)', async () => {
    const { app, db } = createTestPortal({ ipThrottle: { maxFailures: 3, windowMs: 15 * 60_000 } });
    // At the portal's bcrypt cost, so the twelve really are checked at the same time.
    const staff = Array.from({ length: 12 }, () => createUser(db, 'municipality', { portalCost: true }));
    const sends = await Promise.all(staff.map((u) => preparedLogin(app, u.loginId, PASSWORD)));
    const statuses = (await Promise.all(sends.map((send) => send()))).map((r) => r.status);
    expect(statuses).toEqual(Array(12).fill(302));
  });

  it('after the address is over its limit › a colleague who logged in from it before still gets in; an ID new to the address gets 429', async () => {
    const { app, db } = createTestPortal({ ipThrottle: { maxFailures: 3, windowMs: 15 * 60_000 } });
    const colleague = createUser(db, 'municipality');
    const newcomer = createUser(db, 'municipality');
    expect((await login(request.agent(app), colleague.loginId, PASSWORD)).status).toBe(302);
    for (let i = 0; i < 3; i++) expect((await login(request.agent(app), `spray-${i}`, 'Password1')).status).toBe(401);

    expect((await login(request.agent(app), colleague.loginId, PASSWORD)).status).toBe(302);
    // Spraying on to other IDs, and a real ID that has never logged in here, are both stopped: the
    // answer is the same for both, so it says nothing about which IDs exist.
    const sprayed = await login(request.agent(app), 'spray-next', 'Password1');
    const fresh = await login(request.agent(app), newcomer.loginId, PASSWORD);
    expect([sprayed.status, fresh.status]).toEqual([429, 429]);
    expect(sprayed.text.replace(/value="[^"]*"/g, '')).toBe(fresh.text.replace(/value="[^"]*"/g, ''));
  });

  it('a known ID from an address over its limit still has its own lock › wrong passwords lock it as anywhere else', async () => {
    const { app, db } = createTestPortal({
      ipThrottle: { maxFailures: 2, windowMs: 15 * 60_000 }, lockPolicy: { maxFailures: 3, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
    });
    const colleague = createUser(db, 'municipality');
    expect((await login(request.agent(app), colleague.loginId, PASSWORD)).status).toBe(302);
    for (let i = 0; i < 2; i++) await login(request.agent(app), `other-${i}`, 'wrong');
    for (let i = 0; i < 3; i++) expect((await login(request.agent(app), colleague.loginId, 'wrong')).status).toBe(401);
    expect((await login(request.agent(app), colleague.loginId, PASSWORD)).status).toBe(429);
  });

  it('IPv6 clients are counted per /64 › other addresses of the same /64 share the limit, another /64 does not', async () => {
    const { app } = createTestPortal({ config: { trustProxy: 'loopback' }, ipThrottle: { maxFailures: 3, windowMs: 15 * 60_000 } });
    for (let i = 1; i <= 3; i++) {
      const send = await preparedLogin(app, `guess-${i}`, 'wrong', `2001:db8:10:20::${i.toString(16)}`);
      expect((await send()).status).toBe(401);
    }
    const sameSlash64 = await preparedLogin(app, 'guess-4', 'wrong', '2001:db8:10:20:ffff:1234:5678:9abc');
    expect((await sameSlash64()).status).toBe(429);
    const otherSlash64 = await preparedLogin(app, 'guess-5', 'wrong', '2001:db8:10:21::1');
    expect((await otherSlash64()).status).toBe(401);
  });
});
