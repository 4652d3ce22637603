import { describe, expect, it } from 'vitest';
import { createGenre, createOrganisation, createUser, PASSWORD } from '../helpers/factories.js';
import { $, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

const CONFLICT = 'ほかの方が先に更新しました。';

/** The form on `page` posting to `action`, as a browser submits it: all its fields, the changes on top. */
async function formOn(agent: Agent, page: string, action: string, changes: Record<string, string>) {
  const doc = $((await agent.get(page)).text);
  const form = doc(`form[action="${action}"]`).first();
  const fields: Record<string, string> = {};
  form.find('input, textarea, select').each((_, el) => {
    const input = doc(el);
    const name = input.attr('name');
    const type = (input.attr('type') ?? '').toLowerCase();
    if (!name || type === 'submit' || ((type === 'checkbox' || type === 'radio') && input.attr('checked') === undefined)) return;
    fields[name] = el.tagName === 'textarea' ? input.text() : el.tagName === 'select' ? String(input.find('option[selected]').val() ?? '') : String(input.val() ?? '');
  });
  return { ...fields, ...changes };
}

/** The four secretariat edit forms, each with a field to change and where to read it back. */
function cases(db: ReturnType<typeof createTestPortal>['db']) {
  const genre = createGenre(db, '防災');
  const org = createOrganisation(db, 'vendor', '株式会社もと');
  const user = createUser(db, 'vendor', { organisationId: org, name: '元の氏名' });
  return [
    { label: 'genre', page: `/admin/genres/${genre}`, action: `/admin/genres/${genre}`, field: 'name', read: () => db.prepare('SELECT name FROM genres WHERE id = ?').pluck().get(genre) },
    { label: 'info type', page: '/admin/types', action: '/admin/types/1', field: 'name', read: () => db.prepare('SELECT name FROM info_types WHERE id = 1').pluck().get() },
    { label: 'organisation', page: `/admin/orgs/${org}`, action: `/admin/orgs/${org}`, field: 'name', read: () => db.prepare('SELECT name FROM organisations WHERE id = ?').pluck().get(org) },
    { label: 'account', page: `/admin/users/${user.id}`, action: `/admin/users/${user.id}`, field: 'name', read: () => db.prepare('SELECT name FROM users WHERE id = ?').pluck().get(user.id) },
  ];
}

describe('two secretariat users editing one record (issue 15.10, contract: Trust rules)', () => {
  it.each(['genre', 'info type', 'organisation', 'account'])('%s › the later save gets 409 with its values and the message; saving again overwrites knowingly', async (label) => {
    const { app, db } = createTestPortal();
    const c = cases(db).find((x) => x.label === label)!;
    const [first, second] = await Promise.all([0, 1].map(async () => loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD)));
    const a = await formOn(first!, c.page, c.action, { [c.field]: '一人目の変更' });
    const b = await formOn(second!, c.page, c.action, { [c.field]: '二人目の変更' });
    expect(a.version).toMatch(/^\d+$/);

    expect((await first!.post(c.action).type('form').send(a)).status).toBe(303);
    const late = await second!.post(c.action).type('form').send(b);
    expect(late.status).toBe(409);
    const doc = $(late.text);
    expect(doc('.error-summary').text()).toContain(CONFLICT);
    const form = doc(`form[action="${c.action}"]`).first();
    expect(form.find(`[name="${c.field}"]`).val()).toBe('二人目の変更');
    expect(c.read()).toBe('一人目の変更');

    // The form now carries the version the first save made: sent again, it saves.
    const again = { ...b, version: String(form.find('input[name="version"]').val()) };
    expect(again.version).not.toBe(b.version);
    expect((await second!.post(c.action).type('form').send(again)).status).toBe(303);
    expect(c.read()).toBe('二人目の変更');
  });

  it('parallel saves of one account from eight sessions › exactly one is saved and audited, seven get 409', async () => {
    const { app, db } = createTestPortal();
    const c = cases(db).find((x) => x.label === 'account')!;
    const agents = await Promise.all(Array.from({ length: 8 }, async () => loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD)));
    const forms = await Promise.all(agents.map((agent, i) => formOn(agent, c.page, c.action, { name: `氏名${i}` })));
    const statuses = (await Promise.all(agents.map((agent, i) => agent.post(c.action).type('form').send(forms[i])))).map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'user.update'`).pluck().get()).toBe(1);
    expect(c.read()).toBe(`氏名${statuses.indexOf(303)}`);
  });
});
