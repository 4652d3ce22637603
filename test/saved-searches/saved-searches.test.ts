import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createGenre, createUser, PASSWORD, TYPE } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

function setup() {
  const portal = createTestPortal();
  const bousai = createGenre(portal.db, '防災');
  const hinanjo = createGenre(portal.db, '避難所運営', bousai);
  const city = createUser(portal.db, 'municipality');
  return { ...portal, g: { bousai, hinanjo }, city };
}

/** Saves the conditions of a results page through its 「この検索条件を保存する」 form. */
async function saveFrom(agent: Agent, conditions: string, fields: Record<string, string>) {
  const page = await agent.get(`/search/results?${conditions}`);
  const doc = $(page.text);
  const form = doc('form[action="/my/searches"]');
  const values = form.find('input[type="hidden"]').map((_, el) => [[doc(el).attr('name')!, String(doc(el).val())]]).get() as [string, string][];
  const body = new URLSearchParams([...values, ...Object.entries(fields)]);
  return agent.post('/my/searches').type('form').send(body.toString());
}

const savedIds = (html: string) => $(html)('[data-saved-search-id]').map((_, el) => Number($(html)(el).attr('data-saved-search-id'))).get();

describe('/my/searches', () => {
  it('save the current conditions from the results page, list them, run one in a click, rename, change the alert, delete', async () => {
    const { app, db, g, city } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const saved = await saveFrom(agent, `genre=${g.hinanjo}&type=${TYPE.case}&q=${encodeURIComponent('名簿')}`, { name: '避難所の事例', alert: '1' });
    expect(saved.status).toBe(303);
    const id = Number(/saved=(\d+)/.exec(saved.headers.location!)![1]);
    const list = $((await agent.get('/my/searches')).text);
    expect(savedIds(list.html())).toEqual([id]);
    const row = list(`[data-saved-search-id="${id}"]`);
    expect(row.find('h2').text()).toContain('避難所の事例');
    expect(row.find('h2').text()).toContain('お知らせ中');
    expect(row.text()).toContain('防災 › 避難所運営');
    expect(row.text()).toContain('事例情報');
    expect(row.find('a.button').attr('href')).toBe(`/search/results?genre=${g.hinanjo}&type=${TYPE.case}&q=${encodeURIComponent('名簿')}`);
    expect(db.prepare('SELECT name, genre_ids, type_ids, q, alert FROM saved_searches').get())
      .toEqual({ name: '避難所の事例', genre_ids: `[${g.hinanjo}]`, type_ids: `[${TYPE.case}]`, q: '名簿', alert: 1 });

    const token = csrfFrom(list.html(), `/my/searches/${id}`);
    expect((await agent.post(`/my/searches/${id}`).type('form').send({ _csrf: token, name: '避難所（事例）' })).status).toBe(303);
    expect(db.prepare('SELECT name, alert FROM saved_searches').get()).toEqual({ name: '避難所（事例）', alert: 0 });
    expect((await agent.post(`/my/searches/${id}/delete`).type('form').send({ _csrf: token })).status).toBe(303);
    expect(savedIds((await agent.get('/my/searches')).text)).toEqual([]);
  });

  it('bad input › 400 with a Japanese message at the field and the values kept; nothing saved', async () => {
    const { app, db, g, city } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const res = await saveFrom(agent, `genre=${g.bousai}`, { name: '  ', alert: '1' });
    expect(res.status).toBe(400);
    const doc = $(res.text);
    expect(doc('#name-error').text()).toBe('名前を入力してください。');
    expect(doc('form[action="/my/searches"] input[name="genre"]').val()).toBe(String(g.bousai));
    expect(doc('#alert').attr('checked')).toBe('checked');
    const long = await saveFrom(agent, `genre=${g.bousai}`, { name: 'あ'.repeat(51) });
    expect($(long.text)('#name-error').text()).toBe('名前は50文字以内で入力してください。');
    const badConditions = await agent.post('/my/searches').type('form').send({ _csrf: csrfFrom(res.text, '/my/searches'), name: 'x', genre: 'abc' });
    expect(badConditions.status).toBe(400);
    expect($(badConditions.text)('.error-summary').text()).toContain('検索条件が正しくないため保存できません');
    expect(db.prepare('SELECT count(*) FROM saved_searches').pluck().get()).toBe(0);
  });

  it('each user reaches only their own: another user’s id is 404 and changes nothing; vendors get 403; POST needs _csrf', async () => {
    const { app, db, g, city } = setup();
    const owner = await loggedInAgent(app, city.loginId, PASSWORD);
    const id = Number(/saved=(\d+)/.exec((await saveFrom(owner, `genre=${g.bousai}`, { name: '防災' })).headers.location!)![1]);
    const colleague = await loggedInAgent(app, createUser(db, 'municipality', { organisationId: city.organisationId }).loginId, PASSWORD);
    expect(savedIds((await colleague.get('/my/searches')).text)).toEqual([]);
    const token = csrfFrom((await colleague.get('/my/searches')).text, '/logout');
    expect((await colleague.post(`/my/searches/${id}`).type('form').send({ _csrf: token, name: '乗っ取り' })).status).toBe(404);
    expect((await colleague.post(`/my/searches/${id}/delete`).type('form').send({ _csrf: token })).status).toBe(404);
    expect(db.prepare('SELECT name FROM saved_searches WHERE id = ?').pluck().get(id)).toBe('防災');
    expect((await owner.post(`/my/searches/${id}/delete`).type('form').send({})).status).toBe(403);
    const admin = await loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
    expect((await saveFrom(admin, '', { name: 'すべて' })).status).toBe(303);
    const vendor = await loggedInAgent(app, createUser(db, 'vendor').loginId, PASSWORD);
    expect((await vendor.get('/my/searches')).status).toBe(403);
    expect($((await vendor.get('/search/results')).text)('form[action="/my/searches"]').length).toBe(0);
    expect((await request(app).get('/my/searches')).headers.location).toBe('/login?next=%2Fmy%2Fsearches');
  });

  it('at most 50 saved searches a user', async () => {
    const { app, db, city } = setup();
    for (let i = 0; i < 50; i++) {
      db.prepare(`INSERT INTO saved_searches (user_id, name, checked_until, created_at, updated_at) VALUES (?, ?, 'now', 'now', 'now')`).run(city.id, `検索${i}`);
    }
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const res = await saveFrom(agent, '', { name: '51件目' });
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary').text()).toContain('保存できる検索は50件までです。');
  });
});
