import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createGenre, createIssueProfile, createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

async function form(agent: Agent) {
  const page = await agent.get('/my/issues');
  expect(page.status).toBe(200);
  return { page, token: csrfFrom(page.text, '/my/issues') };
}

function setup() {
  const portal = createTestPortal();
  const { db } = portal;
  const bousai = createGenre(db, '防災');
  const hinanjo = createGenre(db, '避難所運営', bousai);
  const kanko = createGenre(db, '観光');
  const city = createUser(db, 'municipality', { name: '鈴木 一郎', department: '防災課', email: 'suzuki@city.example.jp' });
  return { ...portal, g: { bousai, hinanjo, kanko }, city };
}

const issueRows = (db: ReturnType<typeof setup>['db'], organisationId: number) =>
  db.prepare('SELECT genre_id AS genreId, status, note FROM organisation_issues WHERE organisation_id = ? ORDER BY genre_id').all(organisationId);

describe('/my/issues', () => {
  it('a municipality user › saves issues with status and note, prefecture, band and the opt-ins; a colleague sees the same', async () => {
    const { app, db, g, city } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const { token } = await form(agent);
    const res = await agent.post('/my/issues').type('form').send({
      _csrf: token, genre: [String(g.hinanjo), String(g.kanko)], [`status_${g.hinanjo}`]: 'working', [`note_${g.hinanjo}`]: '  名簿の電子化  ',
      // Fields of a genre that is not ticked are ignored.
      [`status_${g.bousai}`]: 'done', [`note_${g.bousai}`]: '無視される',
      prefecture: '14', population_band: '300k_1m', visible: '1', show_likes: '1', contact_user: String(city.id), publish_contact: '1',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/my/issues?saved=1');
    expect(issueRows(db, city.organisationId)).toEqual([
      { genreId: g.hinanjo, status: 'working', note: '名簿の電子化' },
      // A newly ticked genre without a status starts as 検討中.
      { genreId: g.kanko, status: 'considering', note: '' },
    ]);
    expect(db.prepare('SELECT prefecture, population_band, visible, show_likes, contact_user_id, publish_contact FROM organisation_profiles').get())
      .toEqual({ prefecture: 14, population_band: '300k_1m', visible: 1, show_likes: 1, contact_user_id: city.id, publish_contact: 1 });

    const colleague = await loggedInAgent(app, createUser(db, 'municipality', { organisationId: city.organisationId }).loginId, PASSWORD);
    const doc = $((await colleague.get('/my/issues')).text);
    expect(doc(`#genre-${g.hinanjo}`).attr('checked')).toBe('checked');
    expect(doc(`#genre-${g.bousai}`).attr('checked')).toBeUndefined();
    expect(doc(`#status_${g.hinanjo} option[selected]`).attr('value')).toBe('working');
    expect(doc(`#note_${g.hinanjo}`).val()).toBe('名簿の電子化');
    expect(doc('#prefecture option[selected]').text()).toBe('神奈川県');
    expect(doc('#visible').attr('checked')).toBe('checked');
  });

  it('saving again › unticked issues go, kept ones keep their date unless changed; the change is in the audit log', async () => {
    const { app, db, g, city, clock } = setup();
    createIssueProfile(db, city.organisationId, [{ genreId: g.hinanjo, status: 'working', note: 'メモ' }, g.kanko]);
    const before = db.prepare('SELECT updated_at FROM organisation_issues WHERE genre_id = ?').pluck().get(g.hinanjo);
    clock.advance(60_000);
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const { token } = await form(agent);
    const res = await agent.post('/my/issues').type('form').send({
      _csrf: token, genre: String(g.hinanjo), [`status_${g.hinanjo}`]: 'working', [`note_${g.hinanjo}`]: 'メモ', prefecture: '13', population_band: '100k_300k',
    });
    expect(res.status).toBe(303);
    expect(issueRows(db, city.organisationId)).toEqual([{ genreId: g.hinanjo, status: 'working', note: 'メモ' }]);
    expect(db.prepare('SELECT updated_at FROM organisation_issues WHERE genre_id = ?').pluck().get(g.hinanjo)).toBe(before);
    expect(db.prepare('SELECT visible FROM organisation_profiles').pluck().get()).toBe(0);
    const audit = db.prepare(`SELECT action, target_id, diff FROM audit_log WHERE action = 'issue_profile.update'`).get() as { target_id: number; diff: string };
    expect(audit.target_id).toBe(city.organisationId);
    expect((JSON.parse(audit.diff) as { issues: unknown[] }).issues[1]).toEqual([{ genreId: g.hinanjo, status: 'working', note: 'メモ' }]);
  });

  it.each([
    [{ prefecture: '' }, 'prefecture', '都道府県を選択してください。'],
    [{ prefecture: '48' }, 'prefecture', '都道府県を選択してください。'],
    [{ population_band: '' }, 'population_band', '人口規模を選択してください。'],
    [{ population_band: 'huge' }, 'population_band', '人口規模の指定が正しくありません。'],
    [{ genre: '99999' }, 'genre', '選択できないジャンルが含まれています。'],
    [{ genre: 'x' }, 'genre', 'ジャンルの指定が正しくありません。'],
    [{ status: 'finished' }, 'status', '状況を選択してください。'],
    [{ note: 'あ'.repeat(101) }, 'note', 'メモは100文字以内で入力してください。'],
    [{ contact_user: '999' }, 'contact_user', '連絡担当者は自団体の利用者から選んでください。'],
    [{ publish_contact: '1' }, 'publish_contact', '連絡担当者を公開するには、連絡担当者を選んでください。'],
  ])('bad input %j › 400, the message at the field, the values kept, nothing saved', async (change, field, message) => {
    const { app, db, g, city } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const { token } = await form(agent);
    const { status, note, ...rest } = change as Record<string, string>;
    const res = await agent.post('/my/issues').type('form').send({
      _csrf: token, genre: String(g.hinanjo), [`status_${g.hinanjo}`]: status ?? 'done', [`note_${g.hinanjo}`]: note ?? '残すメモ',
      prefecture: '14', population_band: '300k_1m', visible: '1', ...rest,
    });
    expect(res.status).toBe(400);
    const doc = $(res.text);
    const id = field === 'status' || field === 'note' ? `${field}_${g.hinanjo}` : field;
    expect(doc('.error-summary').text()).toContain(message);
    expect(doc(`#${id}-error`).text() || doc(`#${id} .field__error`).text()).toContain(message);
    expect(doc('.error-summary a').attr('href')).toBe(`#${id}`);
    if (field !== 'note') expect(doc(`#note_${g.hinanjo}`).val()).toBe('残すメモ');
    expect(doc('#visible').attr('checked')).toBe('checked');
    expect(db.prepare('SELECT count(*) FROM organisation_profiles').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM organisation_issues').pluck().get()).toBe(0);
  });

  it('a retired genre › not offered any more, but kept until unticked', async () => {
    const { app, db, g, city } = setup();
    createIssueProfile(db, city.organisationId, [g.kanko]);
    db.prepare('UPDATE genres SET retired_at = ? WHERE id = ?').run(new Date().toISOString(), g.kanko);
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const { page, token } = await form(agent);
    expect($(page.text)(`#genre-${g.kanko}`).attr('checked')).toBe('checked');
    expect($(page.text)(`#status_${g.kanko}`).length).toBe(0);
    const base = { _csrf: token, prefecture: '13', population_band: '100k_300k' };
    expect((await agent.post('/my/issues').type('form').send({ ...base, genre: [String(g.kanko), String(g.hinanjo)] })).status).toBe(303);
    expect(issueRows(db, city.organisationId).map((r) => (r as { genreId: number }).genreId)).toEqual([g.hinanjo, g.kanko]);
    expect((await agent.post('/my/issues').type('form').send({ ...base, genre: String(g.hinanjo) })).status).toBe(303);
    expect(issueRows(db, city.organisationId).map((r) => (r as { genreId: number }).genreId)).toEqual([g.hinanjo]);
    // Once gone, a retired genre cannot be ticked again by a hand-made request.
    const again = await agent.post('/my/issues').type('form').send({ ...base, genre: String(g.kanko) });
    expect(again.status).toBe(400);
  });

  it('guards › POST without _csrf is refused; anonymous visitors log in first; vendors and the secretariat get 403', async () => {
    const { app, db, g, city } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    expect((await agent.post('/my/issues').type('form').send({ genre: String(g.hinanjo), prefecture: '13', population_band: '100k_300k' })).status).toBe(403);
    expect(db.prepare('SELECT count(*) FROM organisation_profiles').pluck().get()).toBe(0);
    expect((await request(app).get('/my/issues')).headers.location).toBe('/login?next=%2Fmy%2Fissues');
    for (const kind of ['vendor', 'secretariat'] as const) {
      const other = await loggedInAgent(app, createUser(db, kind).loginId, PASSWORD);
      expect((await other.get('/my/issues')).status).toBe(403);
    }
  });
});
