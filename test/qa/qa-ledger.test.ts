import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { mailSender } from '../../src/mail/sender.js';
import { createEntry, createOrganisation, createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent, type Agent } from '../helpers/http.js';
import { appOn, createTestPortal, testClock } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => smtp?.close());

/**
 * Issue 21.4: the QA・インシデント管理台帳 replaces the spreadsheet. The secretariat adds and edits
 * records with a history, filters them, and takes a CSV to the 検討会; a member's /contact question
 * files a record and mails the secretariat, and its answer appears on the member's マイページ.
 */
function setup() {
  const { db, uploadDir } = createTestPortal();
  const clock = testClock();
  const mailer = mailSender({ smtpUrl: smtp.url, from: 'noreply@applic.example.jp', outbox: outboxRepository(db), clock, logger: pino({ level: 'silent' }) });
  const app = appOn(db, { uploadDir, clock, mailer });
  const secretariatOrg = createOrganisation(db, 'secretariat', 'ＡＰＰＬＩＣ事務局');
  const admin = createUser(db, 'secretariat', { organisationId: secretariatOrg, name: '事務局 花子' });
  const city = createUser(db, 'municipality', { organisationId: createOrganisation(db, 'municipality', '質問市'), name: '質問 太郎', email: 'taro@city.example.lg.jp' });
  const entry = createEntry(db, createUser(db, 'vendor'), { title: '避難所受付クラウド' });
  return { db, app, mailer, admin, city, entry };
}

async function post(agent: Agent, page: string, action: string, fields: Record<string, string>) {
  const form = await agent.get(page);
  return agent.post(action).type('form').send({ _csrf: csrfFrom(form.text, action), ...fields });
}

const record = { category: 'function', subject: '検索結果の並び順', body: '人気順に並べたい、との要望。', status: 'open', answer: '', owner: '', entry_id: '' };

describe('the QA ledger at /admin/qa', () => {
  it('adds, edits with a history in words, filters by category and status', async () => {
    const { db, app, admin, entry } = setup();
    const agent = await loggedInAgent(app, admin.loginId, PASSWORD);
    const added = await post(agent, '/admin/qa', '/admin/qa', record);
    expect(added.status).toBe(303);
    const id = Number(/\/admin\/qa\/(\d+)/.exec(added.headers.location!)![1]);
    await post(agent, '/admin/qa', '/admin/qa', { ...record, category: 'product', subject: '製品の価格', status: 'answered', answer: '登録団体を紹介しました。', entry_id: String(entry) });

    // Edited: to review at the 検討会, with an owner; the history says what changed, in words.
    const page = await agent.get(`/admin/qa/${id}`);
    const version = $(page.text)('input[name="version"]').val() as string;
    const edited = await post(agent, `/admin/qa/${id}`, `/admin/qa/${id}`, { ...record, status: 'review', owner: String(admin.id), version });
    expect(edited.status).toBe(303);
    const after = $((await agent.get(`/admin/qa/${id}`)).text);
    expect(after('#status option[selected]').text()).toBe('検討会で検討中');
    const latest = after('.history-list > li').first();
    expect(latest.find('p').first().text()).toContain('QA・インシデント管理台帳の記録の変更');
    const rows = latest.find('tbody tr').map((_, tr) => after(tr).children().map((__, cell) => after(cell).text()).get().join('|')).get();
    expect(rows).toEqual(['状態|受付|検討会で検討中', '担当|（なし）|事務局 花子']);
    // A second save from the page read before the edit: 409, what was typed kept.
    const stale = await post(agent, `/admin/qa/${id}`, `/admin/qa/${id}`, { ...record, subject: '古い画面から', version });
    expect(stale.status).toBe(409);
    expect($(stale.text)('#subject').val()).toBe('古い画面から');

    const listed = async (query: string) => { const doc = $((await agent.get(`/admin/qa${query}`)).text); return doc('[data-qa-id]').map((_, el) => Number(doc(el).attr('data-qa-id'))).get(); };
    expect((await listed('')).sort()).toEqual([id, id + 1]);
    expect(await listed('?category=function')).toEqual([id]);
    expect(await listed('?status=answered')).toEqual([id + 1]);
    expect(await listed('?category=product&status=review')).toEqual([]);
    expect(await listed('?category=nonsense')).toHaveLength(2);
    expect(db.prepare(`SELECT action FROM audit_log WHERE target_type = 'qa_record' ORDER BY id`).pluck().all()).toEqual(['qa.create', 'qa.create', 'qa.update']);
  });

  it('bad input › 400 with a message at each field and the values kept; an unknown entry › 400; nothing saved', async () => {
    const { db, app, admin } = setup();
    const agent = await loggedInAgent(app, admin.loginId, PASSWORD);
    const empty = await post(agent, '/admin/qa', '/admin/qa', { category: '', subject: '', body: '', status: 'nope', answer: 'x'.repeat(4001), owner: 'a', entry_id: '１２' });
    expect(empty.status).toBe(400);
    const doc = $(empty.text);
    expect(doc('#category-error').text()).toBe('区分を選んでください。');
    expect(doc('#subject-error').text()).toBe('件名を入力してください。');
    expect(doc('#body-error').text()).toBe('内容を入力してください。');
    expect(doc('#status-error').text()).toBe('状態を選んでください。');
    expect(doc('#answer-error').text()).toBe('回答は4000文字以内で入力してください。');
    expect(doc('#entry_id-error').text()).toBe('関係する情報のIDは数字で入力してください。');
    expect(doc('#answer').text()).toHaveLength(4001);
    const unknown = await post(agent, '/admin/qa', '/admin/qa', { ...record, entry_id: '99999' });
    expect(unknown.status).toBe(400);
    expect($(unknown.text)('#entry_id-error').text()).toBe('その情報IDの情報はありません。');
    expect(db.prepare('SELECT count(*) FROM qa_records').pluck().get()).toBe(0);
  });

  it('the CSV for the 検討会: BOM, CRLF, the labels in words, formula-safe cells, the filter applied', async () => {
    const { app, admin } = setup();
    const agent = await loggedInAgent(app, admin.loginId, PASSWORD);
    await post(agent, '/admin/qa', '/admin/qa', { ...record, subject: '=HYPERLINK("http://evil.example/")', body: '一行目\n二行目' });
    await post(agent, '/admin/qa', '/admin/qa', { ...record, category: 'operation', subject: 'ログインできない' });
    const res = await agent.get('/admin/qa.csv?category=function').buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('受付番号,受付日時,区分,件名,内容,状態,担当,回答,回答日時,関係する情報ID,関係する情報,問い合わせた団体,問い合わせた方,受付の方法,更新日時');
    expect(lines[1]).toContain(`,システム機能面,"'=HYPERLINK(""http://evil.example/"")","一行目\n二行目",受付,,`);
    expect(lines[1]).toContain(',事務局が記録,');
    expect(text).not.toContain('ログインできない');
    expect(lines.at(-1)).toBe('');
  });

  it('is the secretariat’s only: a municipality and a vendor › 403, a visitor › the login page', async () => {
    const { db, app, city } = setup();
    for (const user of [city, createUser(db, 'vendor')]) {
      const agent = await loggedInAgent(app, user.loginId, PASSWORD);
      for (const path of ['/admin/qa', '/admin/qa.csv', '/admin/qa/1']) expect((await agent.get(path)).status, path).toBe(403);
    }
    expect((await request(app).get('/admin/qa')).status).toBe(302);
  });
});

describe('/contact › a member’s question files a record, mails the secretariat, and the answer shows on マイページ', () => {
  it('files, mails, and after 回答済み shows the answer to the asker only (and tells the asker by mail)', async () => {
    const { db, app, mailer, admin, city } = setup();
    expect((await request(app).get('/contact')).text).toContain('ログイン');
    const cityAgent = await loggedInAgent(app, city.loginId, PASSWORD);
    const bad = await post(cityAgent, '/contact', '/contact', { category: '', subject: '', body: '' });
    expect(bad.status).toBe(400);
    expect($(bad.text)('#category-error').text()).toBe('区分を選んでください。');
    const sent = await post(cityAgent, '/contact', '/contact', { category: 'operation', subject: 'パスワードを忘れた同僚', body: '再設定のメールが届かないようです。' });
    expect(sent.status).toBe(303);
    const id = db.prepare('SELECT id FROM qa_records').pluck().get() as number;
    expect(db.prepare('SELECT category, status, source, asker_user_id AS asker FROM qa_records').get()).toEqual({ category: 'operation', status: 'open', source: 'contact', asker: city.id });

    smtp.messages.length = 0;
    await mailer.deliverDue();
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.subject).toBe('【ＡＰＰＬＩＣ マッチングポータル】お問い合わせ（ポータルの使い方・ログイン・不具合）：パスワードを忘れた同僚');
    expect(smtp.messages[0]!.text).toContain('質問市');
    expect(smtp.messages[0]!.text).toContain(`受付番号 ${id}`);

    // Not answered yet: the question is listed, no answer.
    const before = $((await cityAgent.get('/account')).text);
    expect(before(`[data-question-id="${id}"]`).text()).toContain('回答をお待ちください');
    expect(before('[data-answer]')).toHaveLength(0);

    const adminAgent = await loggedInAgent(app, admin.loginId, PASSWORD);
    const page = await adminAgent.get(`/admin/qa/${id}`);
    expect($(page.text)('dl').text()).toContain('質問市 質問 太郎');
    const version = $(page.text)('input[name="version"]').val() as string;
    await post(adminAgent, `/admin/qa/${id}`, `/admin/qa/${id}`, { category: 'operation', subject: 'パスワードを忘れた同僚', body: '再設定のメールが届かないようです。', status: 'review', answer: '確認中です。', owner: '', entry_id: '', version });
    expect($((await cityAgent.get('/account')).text)('[data-answer]')).toHaveLength(0);
    const v2 = $((await adminAgent.get(`/admin/qa/${id}`)).text)('input[name="version"]').val() as string;
    await post(adminAgent, `/admin/qa/${id}`, `/admin/qa/${id}`, { category: 'operation', subject: 'パスワードを忘れた同僚', body: '再設定のメールが届かないようです。', status: 'answered', answer: '迷惑メールの設定をご確認ください。', owner: '', entry_id: '', version: v2 });
    expect($((await cityAgent.get('/account')).text)(`[data-question-id="${id}"] [data-answer]`).text()).toContain('迷惑メールの設定をご確認ください。');
    smtp.messages.length = 0;
    await mailer.deliverDue();
    expect(smtp.messages.map((m) => m.subject)).toEqual(['【ＡＰＰＬＩＣ マッチングポータル】お問い合わせに回答しました']);
    expect(smtp.messages[0]!.text).not.toContain('迷惑メール');

    // A colleague in the same city does not see it.
    const colleague = await loggedInAgent(app, createUser(db, 'municipality', { organisationId: city.organisationId }).loginId, PASSWORD);
    expect($((await colleague.get('/account')).text)('[data-question-id]')).toHaveLength(0);
  });
});
