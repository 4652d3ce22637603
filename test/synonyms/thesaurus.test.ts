import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createEntry, createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, hitCount, listedIds, loggedInAgent } from '../helpers/http.js';
import { appOn, createTestPortal } from '../helpers/portal.js';

const results = (q: string, extra = '') => `/search/results?q=${encodeURIComponent(q)}${extra}`;
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

/** The portal with three entries: one says 防災, one 災害対策, one neither. */
function catalog() {
  const portal = createTestPortal();
  const vendor = createUser(portal.db, 'vendor');
  const genre = createGenre(portal.db, '危機管理');
  const bousai = createEntry(portal.db, vendor, { title: '防災行政無線の更新', summary: '屋外拡声子局を更新します。', genreIds: [genre] });
  const saigai = createEntry(portal.db, vendor, { title: '災害対策本部の運営支援', summary: '情報を集約します。', genreIds: [genre] });
  const other = createEntry(portal.db, vendor, { title: '観光案内アプリ', summary: '多言語で案内します。' });
  return { ...portal, genre, bousai, saigai, other };
}

async function secretariat(app: Parameters<typeof loggedInAgent>[0], db: Parameters<typeof createUser>[0]) {
  return loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
}

describe('the thesaurus (/admin/synonyms) and the keyword search', () => {
  it('a fresh database ships the starter set: 「災害対策」 also finds 「防災」, and the page says so with a link to the word alone', async () => {
    const { app, bousai, saigai, genre } = catalog();
    const page = await request(app).get(results('災害対策'));
    expect(sorted(listedIds(page.text))).toEqual(sorted([bousai, saigai]));
    const note = $(page.text)('.synonym-note');
    expect(note.attr('data-synonyms')).toBe('applied');
    expect(note.text()).toContain('「防災」「減災」も含めて検索しました');
    // The counts beside the genres count the widened search too.
    expect($(page.text)(`label[for="refine-genre-${genre}"]`).attr('data-count')).toBe('2');
    // Both words are marked where they matched.
    expect($(page.text)(`[data-entry-id="${bousai}"] mark`).text()).toBe('防災');

    const alone = await request(app).get(note.find('a').attr('href')!);
    expect(listedIds(alone.text)).toEqual([saigai]);
    expect($(alone.text)('.synonym-note').attr('data-synonyms')).toBe('off');
    // The refine form keeps the choice.
    expect($(alone.text)('form.refine input[name="synonyms"]').val()).toBe('0');
    expect($(alone.text)(`label[for="refine-genre-${genre}"]`).attr('data-count')).toBe('1');
  });

  it('the secretariat edits the groups: results change at once, in this process and in another on the same database, and the change is audited', async () => {
    const { app, db, dbPath, saigai, other, bousai } = catalog();
    const otherProcess = appOn((await import('../../src/db/connection.js')).openDatabase(dbPath));
    expect(listedIds((await request(otherProcess).get(results('観光'))).text)).toEqual([other]);
    const admin = await secretariat(app, db);
    const form = await admin.get('/admin/synonyms');
    expect(form.status).toBe(200);
    expect($(form.text)('textarea[name="groups"]').text()).toContain('防災、災害対策、減災');

    const saved = await admin.post('/admin/synonyms').type('form')
      .send({ _csrf: csrfFrom(form.text, '/admin/synonyms'), groups: '観光、災害対策\n\n子育て, 育児' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/admin/synonyms?done=synonyms-saved');

    for (const portal of [app, otherProcess]) {
      expect(sorted(listedIds((await request(portal).get(results('観光'))).text))).toEqual(sorted([other, saigai]));
      // 防災 is in no group now: 災害対策 no longer finds it.
      expect(sorted(listedIds((await request(portal).get(results('災害対策'))).text))).toEqual(sorted([other, saigai]));
      expect(listedIds((await request(portal).get(results('防災'))).text)).toEqual([bousai]);
    }
    const audit = db.prepare(`SELECT diff FROM audit_log WHERE action = 'synonyms.update'`).pluck().all() as string[];
    expect(audit).toHaveLength(1);
    expect((JSON.parse(audit[0]!) as { synonyms: [string, string] }).synonyms[1]).toBe('観光、災害対策\n子育て、育児');
    const page = await admin.get('/admin/synonyms?done=synonyms-saved');
    expect($(page.text)('[data-done]').text()).toContain('同じ意味の言葉を保存しました');
    expect($(page.text)('textarea[name="groups"]').text()).toBe('観光、災害対策\n子育て、育児');
  });

  it('bad lines › 400, every problem with its line number, what was typed kept, nothing saved', async () => {
    const { app, db } = catalog();
    const admin = await secretariat(app, db);
    const form = await admin.get('/admin/synonyms');
    const typed = '防災、災害対策\n孤立した言葉\n観光, 防災\nオンライン 申請、電子申請';
    const refused = await admin.post('/admin/synonyms').type('form').send({ _csrf: csrfFrom(form.text, '/admin/synonyms'), groups: typed });
    expect(refused.status).toBe(400);
    const doc = $(refused.text);
    expect(doc('.error-summary').text()).toContain('3件の誤りがあります');
    const problems = doc('[data-synonym-problems] li').map((_, li) => doc(li).text()).get();
    expect(problems).toEqual([
      expect.stringMatching(/^2行目：.*「孤立した言葉」の1つだけ/),
      expect.stringMatching(/^3行目：「防災」は1行目にもあります/),
      expect.stringMatching(/^4行目：「オンライン 申請」に空白があります/),
    ]);
    expect(doc('textarea[name="groups"]').text()).toBe(typed);
    expect(doc('textarea[name="groups"]').attr('aria-invalid')).toBe('true');
    expect(db.prepare('SELECT count(*) FROM synonym_groups').pluck().get()).toBe(18);
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'synonyms.update'`).pluck().get()).toBe(0);
  });

  it('only the secretariat may read or change it', async () => {
    const { app, db } = catalog();
    const city = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    expect((await city.get('/admin/synonyms')).status).toBe(403);
    const token = csrfFrom((await city.get('/my/searches')).text);
    expect((await city.post('/admin/synonyms').type('form').send({ _csrf: token, groups: 'a、b' })).status).toBe(403);
    expect(db.prepare('SELECT count(*) FROM synonym_groups').pluck().get()).toBe(18);
    // Without a login: to the login page.
    expect((await request(app).get('/admin/synonyms')).status).toBe(302);
  });

  it('an emptied thesaurus widens nothing', async () => {
    const { app, db, saigai } = catalog();
    const admin = await secretariat(app, db);
    const form = await admin.get('/admin/synonyms');
    expect((await admin.post('/admin/synonyms').type('form').send({ _csrf: csrfFrom(form.text, '/admin/synonyms'), groups: '' })).status).toBe(303);
    const page = await request(app).get(results('災害対策'));
    expect(listedIds(page.text)).toEqual([saigai]);
    expect(hitCount(page.text)).toBe(1);
    expect($(page.text)('.synonym-note').length).toBe(0);
  });
});
