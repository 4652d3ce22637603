import { describe, expect, it } from 'vitest';
import { attachPdf, createEntry, createGenre, createOrganisation, createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

const DAY = 86_400_000;

/**
 * Issue 22.3: each vendor sees, per entry and month, how often municipalities opened it and
 * downloaded its PDF — never which municipality, and no number at all from fewer than three — and
 * its likes and inquiries.
 */
async function setup() {
  const portal = createTestPortal();
  const { db, app } = portal;
  const genre = createGenre(db, '防災');
  const vendor = createUser(db, 'vendor');
  const colleague = createUser(db, 'vendor', { organisationId: vendor.organisationId });
  const entry = createEntry(db, vendor, { title: '避難所受付クラウド', genreIds: [genre] });
  attachPdf(db, portal.uploadDir, entry);
  const towns = await Promise.all(['北山市', '南川町', '東野村', '西浜市'].map(async (name) => {
    const user = createUser(db, 'municipality', { organisationId: createOrganisation(db, 'municipality', name), email: `${name}@city.example.jp` });
    return loggedInAgent(app, user.loginId, PASSWORD);
  }));
  const secretariat = await loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
  return { ...portal, entry, towns, secretariat, vendorLogin: vendor.loginId, vendorAgent: await loggedInAgent(app, vendor.loginId, PASSWORD), colleague: await loggedInAgent(app, colleague.loginId, PASSWORD) };
}

const row = async (agent: Agent, entryId: number) => {
  const doc = $((await agent.get('/my/entries')).text);
  const p = doc(`[data-entry-id="${entryId}"] .entry-row__figures`);
  return { views: p.attr('data-views'), downloads: p.attr('data-downloads'), text: p.text().replace(/\s+/g, ' ').trim() };
};
const table = async (agent: Agent, entryId: number) => {
  const doc = $((await agent.get(`/my/entries/${entryId}`)).text);
  return doc('[data-entry-figures] tbody tr').toArray().map((tr) => ({
    month: doc(tr).attr('data-month'),
    views: doc(tr).find('[data-views]').attr('data-views'), downloads: doc(tr).find('[data-downloads]').attr('data-downloads'),
    likes: doc(tr).find('[data-likes]').attr('data-likes'), inquiries: doc(tr).find('[data-inquiries]').attr('data-inquiries'),
  }));
};

describe('vendor figures › views and downloads by municipalities, never below three', () => {
  it('shows nothing from two municipalities, the count from three, and never a name', async () => {
    const t = await setup();
    const [north, south, east, west] = t.towns as [Agent, Agent, Agent, Agent];
    await north.get(`/entries/${t.entry}`);
    await north.get(`/entries/${t.entry}`);
    await south.get(`/entries/${t.entry}`);
    // The vendor's own and the secretariat's views are not the municipalities'.
    await t.colleague.get(`/entries/${t.entry}`);
    await t.secretariat.get(`/entries/${t.entry}`);
    await north.get(`/entries/${t.entry}/attachment`);
    await south.get(`/entries/${t.entry}/attachment`);
    expect(await row(t.vendorAgent, t.entry)).toEqual({
      views: '', downloads: '', text: '今月の地方公共団体の利用：詳細の閲覧 3団体未満・資料のダウンロード 3団体未満・いいね！ 0件・お問い合わせ 0件',
    });

    await east.get(`/entries/${t.entry}`);
    await east.get(`/entries/${t.entry}/attachment`);
    await west.get(`/entries/${t.entry}/attachment`);
    expect(await row(t.vendorAgent, t.entry)).toEqual({
      views: '4', downloads: '4', text: '今月の地方公共団体の利用：詳細の閲覧 4回・資料のダウンロード 4回・いいね！ 0件・お問い合わせ 0件',
    });
    for (const page of ['/my/entries', `/my/entries/${t.entry}`]) {
      const html = (await t.vendorAgent.get(page)).text;
      for (const name of ['北山市', '南川町', '東野村', '西浜市']) expect(html, `${page} ${name}`).not.toContain(name);
    }
  });

  it('counts likes and inquiries exactly, month by month, on the entry’s page', async () => {
    const t = await setup();
    const [north, south] = t.towns as [Agent, Agent];
    const likeAs = async (agent: Agent) => {
      const page = await agent.get(`/entries/${t.entry}`);
      expect((await agent.post(`/entries/${t.entry}/like`).type('form').send({ _csrf: csrfFrom(page.text, `/entries/${t.entry}/like`), intent: 'like' })).status).toBe(302);
    };
    const ask = async (agent: Agent) => {
      const page = await agent.get(`/entries/${t.entry}/inquiry`);
      const res = await agent.post(`/entries/${t.entry}/inquiry`).type('form')
        .send({ _csrf: csrfFrom(page.text, `/entries/${t.entry}/inquiry`), subject: '導入費用について', body: '概算を教えてください。' });
      expect(res.status).toBe(303);
    };
    await likeAs(north);
    await ask(north);
    await ask(south);
    // Into the next month (2026-11-26 + 10 days): a new row, the old month kept.
    t.clock.advance(10 * DAY);
    // Sessions have long expired: log in afresh.
    await likeAs(await loggedInAgent(t.app, createUser(t.db, 'municipality').loginId, PASSWORD));
    const vendor = await loggedInAgent(t.app, t.vendorLogin, PASSWORD);
    const months = await table(vendor, t.entry);
    expect(months).toHaveLength(12);
    expect(months.slice(0, 2)).toEqual([
      { month: '2026-12', views: '', downloads: '', likes: '1', inquiries: '0' },
      { month: '2026-11', views: '', downloads: '', likes: '1', inquiries: '2' },
    ]);
    expect(months.at(-1)!.month).toBe('2026-01');
  });
});
