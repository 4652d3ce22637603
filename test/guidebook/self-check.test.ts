import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { migrationsDir } from '../../src/paths.js';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { $, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal, tempDir } from '../helpers/portal.js';

const DAY = 24 * 60 * 60_000;

/** The fields of the form posting to `action` as a browser sends them: hidden and text inputs, checked radios, selects. */
function formAsSent(html: string, action: string): Record<string, string> {
  const doc = $(html);
  const fields: Record<string, string> = {};
  doc(`form[action="${action}"] select`).each((_, el) => {
    const select = doc(el);
    fields[select.attr('name')!] = String(select.find('option[selected]').val() ?? select.find('option').first().val());
  });
  doc(`form[action="${action}"] input`).each((_, el) => {
    const input = doc(el);
    const type = input.attr('type') ?? 'text';
    if (type === 'radio' && input.attr('checked') === undefined) return;
    fields[input.attr('name')!] = String(input.val() ?? '');
  });
  return fields;
}

/** Opens `page`, changes some fields of its self-check form, and sends it. */
async function answer(agent: Agent, page: string, action: string, changes: Record<string, string>) {
  const fields = formAsSent((await agent.get(page)).text, action);
  return agent.post(action).type('form').send({ ...fields, ...changes });
}

const row = (html: string, code: string) => $(html)(`tr[data-item="${code}"]`);
const answered = (html: string, code: string) => $(html)(`[data-answered="${code}"]`).text().trim();

function setup() {
  const portal = createTestPortal();
  const city = createUser(portal.db, 'municipality', { name: '山田 太郎' });
  const colleague = createUser(portal.db, 'municipality', { organisationId: city.organisationId, name: '佐藤 花子' });
  return { ...portal, city, colleague, login: (user: { loginId: string }) => loggedInAgent(portal.app, user.loginId, PASSWORD) };
}

describe('the guidebook self-check (issue 23.3)', () => {
  it('any subset is saved; the rest stays 未記入; each item shows the date and the person of its last change', async () => {
    const { db, clock, city, colleague, login } = setup();
    const yamada = await login(city);
    // Only items 1 and 3 answered: the other eight are left 未記入 and saved as such.
    expect((await answer(yamada, '/guidebook', '/guidebook/self-check', { status_1: 'doing', note_1: '近隣市と勉強会', status_3: 'considering' })).status).toBe(303);
    let page = (await yamada.get('/guidebook?done=self-check-saved')).text;
    expect($(page)('[data-done]').text()).toContain('保存しました');
    expect($(page)('.self-check__summary').text().replace(/\s+/g, '')).toBe('あなたの団体の状況：取り組んでいる1項目／検討中1項目／未着手0項目／未記入8項目');
    expect(answered(page, '1')).toBe('2026年11月26日　山田 太郎');
    expect(answered(page, '3')).toBe('2026年11月26日　山田 太郎');
    expect(answered(page, '2')).toBe('―');
    expect(row(page, '2').find('#status_2_').attr('checked')).toBeDefined();

    // Two days later a colleague changes item 3 only; item 1 keeps its date and person.
    clock.advance(2 * DAY);
    const sato = await login(colleague);
    expect((await answer(sato, '/guidebook', '/guidebook/self-check', { status_3: 'doing' })).status).toBe(303);
    page = (await sato.get('/guidebook')).text;
    expect(answered(page, '1')).toBe('2026年11月26日　山田 太郎');
    expect(answered(page, '3')).toBe('2026年11月28日　佐藤 花子');
    expect(db.prepare(`SELECT item, status FROM guidebook_checks ORDER BY item`).all()).toEqual([
      { item: '1', status: 'doing' }, { item: '3', status: 'doing' },
    ]);

    // Set back to 未記入: the row says who did it, the summary counts it as unanswered.
    expect((await answer(sato, '/guidebook', '/guidebook/self-check', { status_1: '', note_1: '' })).status).toBe(303);
    page = (await sato.get('/guidebook')).text;
    expect($(page)('.self-check__summary').text()).toContain('未記入 9項目');
    expect(answered(page, '1')).toBe('2026年11月28日　佐藤 花子');
    // Sent without any change: nothing saved, and the page says so.
    const same = await answer(sato, '/guidebook', '/guidebook/self-check', {});
    expect(same.headers.location).toContain('done=self-check-unchanged');
    expect(db.prepare(`SELECT count(*) FROM guidebook_check_snapshots`).pluck().get()).toBe(3);
  });

  it('an item is edited on its own commentary page, with its date and person shown there', async () => {
    const { city, login } = setup();
    const agent = await login(city);
    const before = (await agent.get('/guidebook/items/6')).text;
    expect($(before)('#self-check [data-answered="6"]').text()).toContain('まだ記録がありません');
    const res = await answer(agent, '/guidebook/items/6', '/guidebook/items/6/self-check', { status_6: 'considering', note_6: 'KPIを企画課と相談' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/guidebook/items/6?done=self-check-saved#self-check');
    const after = $((await agent.get('/guidebook/items/6')).text);
    expect(after('#status_6_considering').attr('checked')).toBeDefined();
    expect(after('#note_6').val()).toBe('KPIを企画課と相談');
    expect(after('[data-answered="6"]').text()).toContain('山田 太郎');
    // The sheet agrees.
    expect(row((await agent.get('/guidebook')).text, '6').find('#note_6').val()).toBe('KPIを企画課と相談');
    // Only that item is taken from the item page, whatever else is sent.
    await agent.post('/guidebook/items/6/self-check').type('form').send({ ...formAsSent((await agent.get('/guidebook/items/6')).text, '/guidebook/items/6/self-check'), status_2: 'doing' });
    expect(row((await agent.get('/guidebook')).text, '2').find('#status_2_').attr('checked')).toBeDefined();
  });

  it('a colleague saved the same item in between › 409, nothing written, their answer shown at the item, mine kept; saving again is knowing', async () => {
    const { db, city, colleague, login } = setup();
    const yamada = await login(city);
    const sato = await login(colleague);
    const yamadaForm = formAsSent((await yamada.get('/guidebook')).text, '/guidebook/self-check');
    const satoForm = formAsSent((await sato.get('/guidebook')).text, '/guidebook/self-check');
    expect((await sato.post('/guidebook/self-check').type('form').send({ ...satoForm, status_2: 'not_started', note_2: '予算要求待ち' })).status).toBe(303);

    // Yamada changes items 2 and 5 from the page he opened before: item 2 collides.
    const refused = await yamada.post('/guidebook/self-check').type('form').send({ ...yamadaForm, status_2: 'doing', status_5: 'considering' });
    expect(refused.status).toBe(409);
    const doc = $(refused.text);
    expect(doc('[data-conflict="2"]').text()).toContain('佐藤 花子さんが保存しました');
    expect(doc('[data-conflict="2"]').text()).toContain('未着手（メモ：予算要求待ち）');
    expect(doc('[data-conflict]').length).toBe(1);
    expect(doc('#status_2_doing').attr('checked')).toBeDefined();
    expect(doc('#status_5_considering').attr('checked')).toBeDefined();
    expect(db.prepare(`SELECT item, status FROM guidebook_checks ORDER BY item`).all()).toEqual([{ item: '2', status: 'not_started' }]);

    // Sent again from the page the 409 gave: now saved, both items.
    expect((await yamada.post('/guidebook/self-check').type('form').send(formAsSent(refused.text, '/guidebook/self-check'))).status).toBe(303);
    expect(db.prepare(`SELECT item, status FROM guidebook_checks ORDER BY item`).all()).toEqual([{ item: '2', status: 'doing' }, { item: '5', status: 'considering' }]);
  });

  it('an item a colleague saved in between but I left alone is neither overwritten nor a conflict', async () => {
    const { db, city, colleague, login } = setup();
    const yamada = await login(city);
    const sato = await login(colleague);
    const yamadaForm = formAsSent((await yamada.get('/guidebook')).text, '/guidebook/self-check');
    await answer(sato, '/guidebook', '/guidebook/self-check', { status_4: 'doing', note_4: '公共施設データを公開' });
    expect((await yamada.post('/guidebook/self-check').type('form').send({ ...yamadaForm, status_9: 'considering' })).status).toBe(303);
    expect(db.prepare(`SELECT item, status, note FROM guidebook_checks ORDER BY item`).all()).toEqual([
      { item: '4', status: 'doing', note: '公共施設データを公開' }, { item: '9', status: 'considering', note: '' },
    ]);
  });

  it('the note field allows what its check allows: 200 characters; 201 (sent around the field) › 400 at the field, nothing saved', async () => {
    const { db, city, login } = setup();
    const agent = await login(city);
    const page = $((await agent.get('/guidebook')).text);
    expect(page('#note_1').attr('maxlength')).toBe('200');
    expect(page('label[for="note_1"]').text()).toContain('200文字以内');
    expect((await answer(agent, '/guidebook', '/guidebook/self-check', { status_1: 'doing', note_1: '𠮷'.repeat(200) })).status).toBe(303);
    const refused = await answer(agent, '/guidebook', '/guidebook/self-check', { status_2: 'doing', note_2: 'あ'.repeat(201), status_3: 'maybe' });
    expect(refused.status).toBe(400);
    const doc = $(refused.text);
    expect(doc('#note_2-error').text()).toBe('項目2のメモは200文字以内で入力してください。');
    expect(doc('#status_3-error').text()).toBe('項目3の状況を選び直してください。');
    expect(doc('#note_2').val()).toBe('あ'.repeat(201));
    expect(db.prepare(`SELECT item FROM guidebook_checks`).pluck().all()).toEqual(['1']);
  });

  it('history: one snapshot per save with who changed what; a record per fiscal year, compared with now', async () => {
    const { clock, city, colleague, login } = setup();
    const yamada = await login(city);
    await answer(yamada, '/guidebook', '/guidebook/self-check', { status_1: 'considering', status_2: 'not_started' });
    // Kept as the record of 2026年度 (the clock is in November 2026).
    let history = (await yamada.get('/guidebook/self-check/history')).text;
    expect($(history)('#fiscal_year option[selected]').val()).toBe('2026');
    const kept = await yamada.post('/guidebook/self-check/records').type('form').send({ ...formAsSent(history, '/guidebook/self-check/records') });
    expect(kept.status).toBe(303);

    clock.advance(DAY);
    const sato = await login(colleague);
    await answer(sato, '/guidebook', '/guidebook/self-check', { status_1: 'doing' });
    history = (await sato.get('/guidebook/self-check/history')).text;
    const doc = $(history);
    const saves = doc('[data-save]').map((_, el) => doc(el).text().replace(/\s+/g, ' ').trim()).get();
    expect(saves).toHaveLength(2);
    expect(saves[0]).toContain('佐藤 花子');
    expect(saves[0]).toContain('項目1：取り組んでいる');
    expect(saves[0]).not.toContain('項目2');
    expect(saves[1]).toContain('山田 太郎');
    expect(saves[1]).toContain('項目2：未着手');
    // The comparison with 2026年度: item 1 changed, item 2 did not.
    expect(doc('table[data-compare="2026"] caption').text()).toContain('2026年度の記録');
    expect(doc('tr[data-item="1"][data-changed]').text()).toContain('検討中');
    expect(doc('tr[data-item="1"][data-changed]').text()).toContain('取り組んでいる');
    expect(doc('tr[data-item="2"][data-changed]').length).toBe(0);
    // Kept again for the same year: replaced, not doubled; a year outside the choice is refused.
    await sato.post('/guidebook/self-check/records').type('form').send(formAsSent(history, '/guidebook/self-check/records'));
    const again = $((await sato.get('/guidebook/self-check/history')).text);
    expect(again('#compare option').length).toBe(1);
    expect(again('tr[data-item="1"][data-changed]').length).toBe(0);
    const bad = await sato.post('/guidebook/self-check/records').type('form').send({ ...formAsSent(history, '/guidebook/self-check/records'), fiscal_year: '2030' });
    expect(bad.status).toBe(400);
    expect($(bad.text)('#fiscal_year-error').text()).toContain('今年度か、その前の2年度');
    // A page past the end: the last page, and it says which.
    const far = $((await sato.get('/guidebook/self-check/history?page=999')).text);
    expect(far('[data-save]').length).toBe(2);
    expect(far('main').text()).toContain('指定されたページはありません');
  });

  it('the My Number 事業チェックリスト: its own self-check of 1-1 … 5-3, each item naming the Ver.2.0 items it became', async () => {
    const { db, city, login } = setup();
    const agent = await login(city);
    const page = (await agent.get('/guidebook/mynumber')).text;
    const doc = $(page);
    expect(doc('form[action="/guidebook/mynumber/self-check"] tr[data-item]').map((_, el) => doc(el).attr('data-item')).get())
      .toEqual(['1-1', '1-2', '2-1', '2-2', '3-1', '3-2', '4-1', '4-2', '5-1', '5-2', '5-3']);
    // The source's 新旧対応の解説: 3-1 went into 1 and 8; 5-3 into 4, 7 and 9.
    expect(doc('#check-3-1 + dd [data-new-items]').attr('data-new-items')).toBe('1 8');
    expect(doc('#check-5-3 + dd [data-new-items] a').map((_, el) => doc(el).attr('href')).get()).toEqual(['/guidebook/items/4', '/guidebook/items/7', '/guidebook/items/9']);
    expect((await answer(agent, '/guidebook/mynumber', '/guidebook/mynumber/self-check', { 'status_2-1': 'doing', 'note_2-1': 'KPIを設定済み' })).status).toBe(303);
    expect(db.prepare(`SELECT checklist, item, status FROM guidebook_checks`).all()).toEqual([{ checklist: 'mynumber', item: '2-1', status: 'doing' }]);
    expect(answered((await agent.get('/guidebook/mynumber')).text, '2-1')).toContain('山田 太郎');
    // The main sheet is not touched, and its own history is empty.
    expect($((await agent.get('/guidebook/self-check/history')).text)('[data-save]').length).toBe(0);
    expect($((await agent.get('/guidebook/mynumber/self-check/history')).text)('[data-save]').length).toBe(1);
    const print = $((await agent.get('/guidebook/mynumber/self-check')).text);
    expect(print('tr[data-item="2-1"]').text()).toContain('取り組んでいる');
    expect(print('[data-guidebook-source]').text()).toContain('平成28年3月15日');
    // Item 6 of Ver.2.0 names the old 2-1 it was made from, and item 10 says it is new.
    const six = $((await agent.get('/guidebook/items/6')).text);
    expect(six('[data-old-items]').attr('data-old-items')).toBe('2-1');
    expect(six('[data-mynumber-item] a').attr('href')).toBe('/guidebook/mynumber/items/6');
    expect($((await agent.get('/guidebook/items/10')).text)('[data-old-items]').text()).toContain('新たに加わりました');
  });

  it('only municipalities: vendors get 403 on every self-check path, anonymous visitors are sent to log in', async () => {
    const { app, db } = createTestPortal();
    const vendor = await loggedInAgent(app, createUser(db, 'vendor').loginId, PASSWORD);
    for (const path of ['/guidebook/self-check', '/guidebook/self-check/history', '/guidebook/mynumber/self-check', '/guidebook/mynumber/self-check/history']) {
      expect((await vendor.get(path)).status, path).toBe(403);
    }
    const itemPage = (await vendor.get('/guidebook/items/3')).text;
    expect($(itemPage)('#self-check').length).toBe(0);
    expect((await vendor.post('/guidebook/items/3/self-check').type('form').send({ _csrf: formAsSent(itemPage, '/logout')._csrf, status_3: 'doing' })).status).toBe(403);
    expect(db.prepare('SELECT count(*) FROM guidebook_checks').pluck().get()).toBe(0);
  });

  it('answers saved before the upgrade (migration 0032) are kept, item by item, with a first snapshot', () => {
    const before = tempDir();
    for (const file of fs.readdirSync(migrationsDir).filter((f) => f < '0032')) fs.copyFileSync(path.join(migrationsDir, file), path.join(before, file));
    const db = openDatabase(path.join(tempDir(), 'portal.db'));
    migrate(db, before);
    // Written as that version wrote it: today's repositories write columns later migrations add.
    const org = Number(db.prepare(`INSERT INTO organisations (name, kind, created_at, updated_at) VALUES ('以前からの市', 'municipality', ?, ?)`)
      .run('2026-04-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z').lastInsertRowid);
    db.prepare(`INSERT INTO guidebook_self_checks (organisation_id, item_number, status, note, updated_at) VALUES (?, ?, ?, ?, ?)`)
      .run(org, 7, 'doing', 'オープンデータ公開済み', '2026-04-01T00:00:00.000Z');
    migrate(db, migrationsDir);
    expect(db.prepare('SELECT checklist, item, status, note, version FROM guidebook_checks').all())
      .toEqual([{ checklist: 'main', item: '7', status: 'doing', note: 'オープンデータ公開済み', version: 1 }]);
    expect(JSON.parse(db.prepare('SELECT items FROM guidebook_check_snapshots').pluck().get() as string)).toEqual({ 7: { status: 'doing', note: 'オープンデータ公開済み' } });
  });
});
