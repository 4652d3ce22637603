import { describe, expect, it } from 'vitest';
import { createEntry, createGenre, createOrganisation, createUser, like, PASSWORD } from '../helpers/factories.js';
import { csrfFrom, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

const SECRET_NOTE = '庁内限りの検討メモ';

/** A page with its per-session CSRF tokens blanked: what must not change is everything else. */
const comparable = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');

/**
 * Spec: 課題選択した地方公共団体の情報は開示しない. Whatever municipalities put in their issue
 * profiles, a vendor's pages stay exactly as they were: no name, note, status or count moves.
 */
describe('issue profiles are never shown to vendors', () => {
  it('every vendor page that lists genres or entries is byte-identical before and after municipalities choose issues', async () => {
    const { app, db } = createTestPortal();
    const bousai = createGenre(db, '防災');
    const hinanjo = createGenre(db, '避難所運営', bousai);
    const kanko = createGenre(db, '観光');
    const vendor = createUser(db, 'vendor');
    const own = createEntry(db, vendor, { title: '避難所受付システム', genreIds: [hinanjo] });
    const other = createEntry(db, createUser(db, 'vendor'), { title: '観光案内アプリ', genreIds: [kanko] });
    const cityOrg = createOrganisation(db, 'municipality', '課題選択市');
    const city = createUser(db, 'municipality', { organisationId: cityOrg, name: '課題 担当', department: '防災課' });
    // The city's like of the vendor's own entry is shown to the vendor by design (who liked it);
    // choosing issues must add nothing to that.
    like(db, own, city);
    like(db, other, city);

    const vendorAgent = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const pages = [
      '/', '/search', '/search/results', `/search/results?genre=${bousai}`, `/search/results?genre=${hinanjo}&genre=${kanko}`,
      `/entries/${own}`, '/my/entries', `/my/entries?genre=${hinanjo}`, '/my/entries/new', `/my/entries/${own}`,
      `/my/entries/${own}/edit`, `/my/entries/${own}/likes`, '/guidebook', '/guidebook/items/1',
    ];
    const snapshot = async (agent: Agent) => Promise.all(pages.map(async (path) => {
      const res = await agent.get(path);
      expect(res.status, path).toBe(200);
      return comparable(res.text);
    }));
    const admin = await loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
    const before = await snapshot(vendorAgent);
    const csvBefore = (await admin.get('/admin/export.csv')).text;

    const cityAgent = await loggedInAgent(app, city.loginId, PASSWORD);
    const token = csrfFrom((await cityAgent.get('/my/issues')).text, '/my/issues');
    const saved = await cityAgent.post('/my/issues').type('form').send({
      _csrf: token, genre: [String(hinanjo), String(kanko)], [`status_${hinanjo}`]: 'working', [`note_${hinanjo}`]: SECRET_NOTE,
      prefecture: '14', population_band: '300k_1m', visible: '1', show_likes: '1', contact_user: String(city.id), publish_contact: '1',
    });
    expect(saved.status).toBe(303);

    const after = await snapshot(vendorAgent);
    pages.forEach((path, i) => expect(after[i], path).toBe(before[i]));
    for (const html of after) expect(html).not.toContain(SECRET_NOTE);
    // The export is the secretariat's, and it does not carry profiles either.
    expect((await admin.get('/admin/export.csv')).text).toBe(csvBefore);
    expect((await vendorAgent.get('/admin/export.csv')).status).toBe(403);
  });

  it('a vendor gets 403 on every peers page, with or without parameters', async () => {
    const { app, db } = createTestPortal();
    const cityOrg = createOrganisation(db, 'municipality');
    const agent = await loggedInAgent(app, createUser(db, 'vendor').loginId, PASSWORD);
    for (const path of ['/peers', '/peers?genre=1&prefecture=13', '/my/issues', `/peers/${cityOrg}/message`]) {
      const res = await agent.get(path);
      expect(res.status, path).toBe(403);
      expect(res.text).toContain('特別会員（地方公共団体）の方向け');
    }
    const token = csrfFrom((await agent.get('/')).text, '/logout');
    expect((await agent.post('/my/issues').type('form').send({ _csrf: token, genre: '1' })).status).toBe(403);
    expect((await agent.post(`/peers/${cityOrg}/message`).type('form').send({ _csrf: token, subject: 's', body: 'b' })).status).toBe(403);
    expect(db.prepare('SELECT count(*) FROM organisation_profiles').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM peer_messages').pluck().get()).toBe(0);
  });
});
