import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createEntry, createGenre, createOrganisation, createUser, PASSWORD, suspendEntry, TYPE } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

/** A page with its per-session CSRF tokens blanked: what must not change is everything else. */
const comparable = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');

/**
 * Issue 21.2: 「導入しています」. A municipality marks that it uses a product, with the year and who may
 * see its name. Other municipalities and the secretariat count every mark and see the names shown to
 * municipalities; vendors see only the marks shown to all, in counts as in names.
 */
function setup() {
  const portal = createTestPortal();
  const { db } = portal;
  const genre = createGenre(db, '防災');
  const vendor = createUser(db, 'vendor');
  const rival = createUser(db, 'vendor');
  const adopter = createUser(db, 'municipality', { organisationId: createOrganisation(db, 'municipality', '導入市') });
  const colleague = createUser(db, 'municipality', { organisationId: adopter.organisationId });
  const neighbour = createUser(db, 'municipality', { organisationId: createOrganisation(db, 'municipality', '隣町') });
  const secretariat = createUser(db, 'secretariat');
  const product = createEntry(db, vendor, { title: '避難所受付クラウド', typeId: TYPE.product, genreIds: [genre] });
  const caseEntry = createEntry(db, vendor, { title: '避難所受付の事例', typeId: TYPE.case, genreIds: [genre] });
  return { ...portal, genre, vendor, rival, adopter, colleague, neighbour, secretariat, product, caseEntry };
}

/** Marks (or changes the mark) through the detail page's form, as the browser sends it. */
async function mark(agent: Agent, entryId: number, fields: { since_year?: string; visibility: string }) {
  const page = await agent.get(`/entries/${entryId}`);
  return agent.post(`/entries/${entryId}/adoption`).type('form').send({ _csrf: csrfFrom(page.text, `/entries/${entryId}/adoption`), since_year: '', ...fields });
}

const seen = (html: string) => {
  const doc = $(html);
  return {
    count: Number(doc('#adoption [data-adoption-count]').attr('data-adoption-count')),
    names: doc('[data-adopter]').map((_, el) => doc(el).text()).get(),
  };
};

describe('「導入しています」 › the three choices of who sees the name', () => {
  it('as the municipality itself, another municipality, the secretariat, the vendor and a rival vendor', async () => {
    const { app, db, vendor, rival, adopter, colleague, neighbour, secretariat, product } = setup();
    const as = (user: { loginId: string }) => loggedInAgent(app, user.loginId, PASSWORD);
    const adopterAgent = await as(adopter);
    const colleagueAgent = await as(colleague);
    const neighbourAgent = await as(neighbour);
    const adminAgent = await as(secretariat);
    const vendorAgent = await as(vendor);
    const rivalAgent = await as(rival);
    const results = `/search/results?q=${encodeURIComponent('避難所受付クラウド')}`;
    const vendorPages = [`/entries/${product}`, `/my/entries/${product}`, '/my/entries', results, '/'];
    const snapshot = async (agent: Agent, pages: string[]) => Promise.all(pages.map(async (path) => {
      const res = await agent.get(path);
      expect(res.status, path).toBe(200);
      return comparable(res.text);
    }));
    const vendorBefore = await snapshot(vendorAgent, vendorPages);
    const rivalBefore = await snapshot(rivalAgent, [results, '/']);
    const rowCount = async (agent: Agent) => $((await agent.get(results)).text)(`[data-entry-id="${product}"] .entry-row__adoptions`).attr('data-adoption-count');

    // Name shown to nobody: counted for members, invisible to vendors.
    const first = await mark(adopterAgent, product, { visibility: 'none' });
    expect(first.status).toBe(303);
    expect(seen((await neighbourAgent.get(`/entries/${product}`)).text)).toEqual({ count: 1, names: [] });
    expect(seen((await adminAgent.get(`/entries/${product}`)).text)).toEqual({ count: 1, names: [] });
    expect(await rowCount(neighbourAgent)).toBe('1');
    // A colleague sees the organisation's mark as its own, ready to change.
    const ownForm = $((await colleagueAgent.get(`/entries/${product}`)).text);
    expect(ownForm('#adoption').text()).toContain('あなたの団体は「導入しています」と登録しています。');
    expect(ownForm('#visibility-none').attr('checked')).toBe('checked');

    // Name shown to municipalities, with the year.
    expect((await mark(colleagueAgent, product, { since_year: '2023', visibility: 'municipalities' })).status).toBe(303);
    expect(seen((await neighbourAgent.get(`/entries/${product}`)).text)).toEqual({ count: 1, names: ['導入市（2023年から）'] });
    expect(seen((await adminAgent.get(`/entries/${product}`)).text)).toEqual({ count: 1, names: ['導入市（2023年から）'] });

    // Until it is shown to vendors too, no vendor page has moved by a byte.
    expect(await snapshot(vendorAgent, vendorPages)).toEqual(vendorBefore);
    expect(await snapshot(rivalAgent, [results, '/'])).toEqual(rivalBefore);

    // Shown to all: the vendor sees the count and the name; a rival sees the row's count.
    expect((await mark(adopterAgent, product, { since_year: '2023', visibility: 'all' })).status).toBe(303);
    expect(seen((await vendorAgent.get(`/entries/${product}`)).text)).toEqual({ count: 1, names: ['導入市（2023年から）'] });
    expect(await rowCount(rivalAgent)).toBe('1');

    // Taken back: gone for everyone; each change audited with who did it.
    const page = await adopterAgent.get(`/entries/${product}`);
    expect((await adopterAgent.post(`/entries/${product}/adoption/remove`).type('form').send({ _csrf: csrfFrom(page.text, `/entries/${product}/adoption/remove`) })).status).toBe(303);
    expect(seen((await neighbourAgent.get(`/entries/${product}`)).text)).toEqual({ count: 0, names: [] });
    expect(await snapshot(vendorAgent, vendorPages)).toEqual(vendorBefore);
    expect(db.prepare(`SELECT action, user_id AS userId FROM audit_log WHERE action LIKE 'adoption.%' ORDER BY id`).all()).toEqual([
      { action: 'adoption.set', userId: adopter.id }, { action: 'adoption.set', userId: colleague.id },
      { action: 'adoption.set', userId: adopter.id }, { action: 'adoption.remove', userId: adopter.id },
    ]);
    // The mark never touched the entry itself.
    expect(db.prepare('SELECT version FROM entries WHERE id = ?').pluck().get(product)).toBe(1);
  });

  it('the form lists the years and starts on the most private choice', async () => {
    const { app, adopter, product } = setup();
    const agent = await loggedInAgent(app, adopter.loginId, PASSWORD);
    const doc = $((await agent.get(`/entries/${product}`)).text);
    expect(doc('#visibility-none').attr('checked')).toBe('checked');
    const years = doc('#since_year option').map((_, el) => doc(el).attr('value')).get();
    expect(years[0]).toBe('');
    expect(years.at(-1)).toBe('2000');
  });
});

describe('「導入しています」 › who may mark what', () => {
  it('a vendor, the secretariat or a visitor › 403; a case entry › 400; a suspended entry › 404; a bad form › 400; nothing saved', async () => {
    const { app, db, vendor, secretariat, adopter, product, caseEntry } = setup();
    for (const user of [vendor, secretariat]) {
      const agent = await loggedInAgent(app, user.loginId, PASSWORD);
      const page = await agent.get('/');
      expect((await agent.post(`/entries/${product}/adoption`).type('form').send({ _csrf: csrfFrom(page.text), visibility: 'all' })).status).toBe(403);
      expect($((await agent.get(`/entries/${product}`)).text)(`form[action="/entries/${product}/adoption"]`)).toHaveLength(0);
    }
    expect((await request(app).post(`/entries/${product}/adoption`).type('form').send({ visibility: 'all' })).status).toBe(403);

    const agent = await loggedInAgent(app, adopter.loginId, PASSWORD);
    expect($((await agent.get(`/entries/${caseEntry}`)).text)('#adoption')).toHaveLength(0);
    const token = csrfFrom((await agent.get(`/entries/${product}`)).text, `/entries/${product}/adoption`);
    const post = (id: number, fields: Record<string, string>) => agent.post(`/entries/${id}/adoption`).type('form').send({ _csrf: token, ...fields });
    const onCase = await post(caseEntry, { visibility: 'all' });
    expect(onCase.status).toBe(400);
    expect(onCase.text).toContain('製品・サービスの情報に登録できます');
    const tampered: Record<string, string>[] = [{ visibility: 'everyone' }, { visibility: 'all', since_year: '1999' }, { visibility: 'all', since_year: '2100' }, { since_year: '2020' }];
    for (const bad of tampered) {
      const res = await post(product, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.text).toMatch(/導入した年は一覧から選んでください。|団体名を誰に表示するかを選んでください。/);
    }
    expect((await agent.post(`/entries/${product}/adoption`).type('form').send({ visibility: 'all' })).status).toBe(403);
    suspendEntry(db, product);
    expect((await post(product, { visibility: 'all' })).status).toBe(404);
    expect(db.prepare('SELECT count(*) FROM adoptions').pluck().get()).toBe(0);
  });
});
