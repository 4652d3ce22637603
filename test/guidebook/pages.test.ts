import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

/** The text under the heading with exactly `heading`, up to the next h2. */
function section(html: string, heading: string): string {
  const doc = $(html);
  const h2 = doc('h2').filter((_, el) => doc(el).text() === heading);
  expect(h2.length, heading).toBe(1);
  return h2.parent('section').text();
}

describe('guidebook pages', () => {
  it('GET /guidebook › purpose, definition, scenes, how to read, and the 10-item checklist linking to each commentary', async () => {
    const { app } = createTestPortal();
    const doc = $((await request(app).get('/guidebook')).text);
    expect(doc('main').text()).toContain('「付加価値を提供する事で利用者の生活行動が変わり、継続と横展開が可能であるもの」');
    expect(doc('main').text()).toContain('ＩＣＴの導入計画時に、失敗しないための参考ノウハウ集として活用する。');
    expect(doc('main').text()).toContain('本ガイドブックは「チェックリスト」と「解説書」に分かれています。');
    const links = doc('.checklist a').map((_, a) => doc(a).attr('href')).get();
    expect(links).toEqual(Array.from({ length: 10 }, (_, i) => `/guidebook/items/${i + 1}`));
    expect(doc('[data-item="3"]').text()).toContain('アイデアが集まる「場作り」をしてみよう。');
    expect(doc('nav[aria-label="パンくずリスト"]').length).toBe(1);
  });

  it('each item › the sections under headings with exactly their names, with the source’s phrases under the right one only', async () => {
    const { app } = createTestPortal();
    const cases: [number, Record<string, string>][] = [
      [1, { 背景: '【 同じ課題を持つ街 】 が他にもきっとあるはずです。', 例: 'ＩＴベンダーは、全社的に様々な他分野にも繋がりがあるかもしれません。', イノベーション後の姿: '生活・経済圏での連携や同規模自治体同士の連携により、相互補完の関係が形成されている。', 備考: '組織レベルの繋がりだけでなく個人レベルでの繋がりも大切です。' }],
      [6, { 背景: '目標と進捗が視覚化されるとモチベーションが湧くはずです。', 例: 'ＫＰＩやＫＧＩの測定方法も同時に設計しましょう。', イノベーション後の姿: '測定可能な目標値が設定され', 備考: '「比率」の目標は「絶対値」の目標に劣ります。' }],
      [10, { 背景: '考えてばかりではイノベーションは生まれません。', 例: '小規模な実証実験から始めてはどうでしょうか。', イノベーション後の姿: '良いアイデアが積極的に試行され', 備考: '住記や税といった処理には１００％が求められます' }],
    ];
    for (const [n, phrases] of cases) {
      const html = (await request(app).get(`/guidebook/items/${n}`)).text;
      for (const [heading, phrase] of Object.entries(phrases)) {
        expect(section(html, heading), `${n} ${heading}`).toContain(phrase);
        const elsewhere = Object.keys(phrases).filter((h) => h !== heading && section(html, h).includes(phrase));
        expect(elsewhere, `${n} ${phrase}`).toEqual([]);
        expect(html.split(phrase).length - 1, `${n} ${phrase} once`).toBe(1);
      }
    }
    for (let n = 1; n <= 10; n++) {
      const doc = $((await request(app).get(`/guidebook/items/${n}`)).text);
      const headings = doc('h2').map((_, el) => doc(el).text()).get();
      expect(headings.slice(0, 3)).toEqual(['背景', '例', 'イノベーション後の姿']);
      expect(doc('a[href="/guidebook#checklist-title"]').length).toBe(1);
      expect(doc('a[rel="prev"]').length).toBe(n > 1 ? 1 : 0);
      expect(doc('a[rel="next"]').length).toBe(n < 10 ? 1 : 0);
    }
  });

  it('items 1 and 10 › lead into the service (search, peers, case studies)', async () => {
    const { app } = createTestPortal();
    const one = $((await request(app).get('/guidebook/items/1')).text);
    expect(one('a[href="/search"]').length).toBeGreaterThan(0);
    expect(one('a[href="/peers"]').length).toBeGreaterThan(0);
    expect($((await request(app).get('/guidebook/items/10')).text)('a[href="/search/results?type=2"]').text()).toContain('事例');
  });

  it.each(['0', '11', 'x', '01', '1.0'])('/guidebook/items/%s › 404', async (n) => {
    const { app } = createTestPortal();
    expect((await request(app).get(`/guidebook/items/${n}`)).status).toBe(404);
  });
});

describe('self-check', () => {
  const fill = (token: string, status = 'doing'): Record<string, string> => ({
    _csrf: token, ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [[`status_${i + 1}`, i < 3 ? status : 'not_started'], [`note_${i + 1}`, i === 0 ? '近隣市と勉強会' : '']] as [string, string][]).flat()),
  });

  it('a municipality user › saves the 10 items for the organisation and sees the summary; a colleague sees it too', async () => {
    const { app, db } = createTestPortal();
    const city = createUser(db, 'municipality');
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const token = csrfFrom((await agent.get('/guidebook')).text, '/guidebook/self-check');
    expect((await agent.post('/guidebook/self-check').type('form').send(fill(token))).status).toBe(303);
    const colleague = await loggedInAgent(app, createUser(db, 'municipality', { organisationId: city.organisationId }).loginId, PASSWORD);
    const doc = $((await colleague.get('/guidebook')).text);
    expect(doc('.self-check__summary').text().replace(/\s+/g, '')).toBe('あなたの団体の状況：取り組んでいる3項目／検討中0項目／未着手7項目／未記入0項目');
    expect(doc('#status_1_doing').attr('checked')).toBeDefined();
    expect(doc('#note_1').val()).toBe('近隣市と勉強会');
  });

  it('a bad status or a long note › 400 with the message, nothing saved', async () => {
    const { app, db } = createTestPortal();
    const city = createUser(db, 'municipality');
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const token = csrfFrom((await agent.get('/guidebook')).text, '/guidebook/self-check');
    const res = await agent.post('/guidebook/self-check').type('form').send({ ...fill(token), status_4: 'done', note_2: 'あ'.repeat(201) });
    expect(res.status).toBe(400);
    expect(res.text).toContain('項目4の状況を選び直してください。');
    expect(res.text).toContain('項目2のメモは200文字以内で入力してください。');
    expect(db.prepare('SELECT count(*) FROM guidebook_checks').pluck().get()).toBe(0);
  });

  it('vendors › 403; anonymous visitors read everything without the form; the POST needs _csrf', async () => {
    const { app, db } = createTestPortal();
    const vendor = await loggedInAgent(app, createUser(db, 'vendor').loginId, PASSWORD);
    const vendorPage = (await vendor.get('/guidebook')).text;
    expect((await vendor.get('/guidebook/self-check')).status).toBe(403);
    expect($(vendorPage)('form[action="/guidebook/self-check"]').length).toBe(0);
    expect((await vendor.post('/guidebook/self-check').type('form').send(fill(csrfFrom(vendorPage, '/logout')))).status).toBe(403);
    const anonymous = (await request(app).get('/guidebook')).text;
    expect($(anonymous)('form[action="/guidebook/self-check"]').length).toBe(0);
    expect($(anonymous)('.checklist a').length).toBe(10);
    const city = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    expect((await city.post('/guidebook/self-check').type('form').send({ ...fill('x'), _csrf: undefined })).status).toBe(403);
    expect(db.prepare('SELECT count(*) FROM guidebook_checks').pluck().get()).toBe(0);
  });
});
