import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { createEntry, createGenre, createUser, deleteEntry, suspendEntry, TYPE } from '../helpers/factories.js';
import { hitCount, listedIds } from '../helpers/http.js';
import { createTestPortal, type TestPortal } from '../helpers/portal.js';

/*
 * 防災 ─┬─ 避難所 ── 名簿管理
 *       └─ 消防
 * 教育
 */
let portal: TestPortal;
const g = { bousai: 0, hinanjo: 0, meibo: 0, shobo: 0, kyoiku: 0 };
const e = { meibo: 0, shobo: 0, kyoiku: 0, bousaiPerson: 0, suspended: 0, deleted: 0, both: 0 };

beforeAll(() => {
  portal = createTestPortal();
  const { db } = portal;
  g.bousai = createGenre(db, '防災');
  g.hinanjo = createGenre(db, '避難所', g.bousai);
  g.meibo = createGenre(db, '名簿管理', g.hinanjo);
  g.shobo = createGenre(db, '消防', g.bousai);
  g.kyoiku = createGenre(db, '教育');
  const vendor = createUser(db, 'vendor');
  e.meibo = createEntry(db, vendor, { title: '避難者名簿クラウド', genreIds: [g.meibo], typeId: TYPE.product });
  e.shobo = createEntry(db, vendor, { title: '消防指令システム', genreIds: [g.shobo], typeId: TYPE.case });
  e.kyoiku = createEntry(db, vendor, { title: '学習支援クラウド', genreIds: [g.kyoiku], typeId: TYPE.product });
  e.bousaiPerson = createEntry(db, vendor, { title: '防災アドバイザー', genreIds: [g.bousai], typeId: TYPE.person });
  e.suspended = createEntry(db, vendor, { title: '停止中の名簿クラウド', genreIds: [g.meibo] });
  e.deleted = createEntry(db, vendor, { title: '削除済みの名簿クラウド', genreIds: [g.meibo] });
  e.both = createEntry(db, vendor, { title: '避難所と学校をつなぐクラウド', genreIds: [g.meibo, g.hinanjo, g.kyoiku], typeId: TYPE.case });
  suspendEntry(db, e.suspended);
  deleteEntry(db, e.deleted);
});

async function search(query: string) {
  const res = await request(portal.app).get(`/search/results?${query}`);
  expect(res.status).toBe(200);
  return { ids: listedIds(res.text), hits: hitCount(res.text) };
}

describe('GET /search/results › semantics', () => {
  it('nothing selected › every published entry, newest update first', async () => {
    const { ids, hits } = await search('');
    expect(ids).toEqual([e.both, e.bousaiPerson, e.kyoiku, e.shobo, e.meibo]);
    expect(hits).toBe(5);
  });

  it('parent genre › finds entries tagged only with its grandchild', async () => {
    expect((await search(`genre=${g.bousai}`)).ids).toEqual([e.both, e.bousaiPerson, e.shobo, e.meibo]);
  });

  it('a genre › excludes its siblings’ entries', async () => {
    expect((await search(`genre=${g.hinanjo}`)).ids).toEqual([e.both, e.meibo]);
  });

  it('an entry tagged twice in one subtree › is listed and counted once', async () => {
    const { ids, hits } = await search(`genre=${g.hinanjo}&genre=${g.meibo}`);
    expect(ids).toEqual([e.both, e.meibo]);
    expect(hits).toBe(2);
  });

  it('two genres › OR', async () => {
    expect((await search(`genre=${g.shobo}&genre=${g.kyoiku}`)).ids).toEqual([e.both, e.kyoiku, e.shobo]);
  });

  it('two types › OR', async () => {
    expect((await search(`type=${TYPE.case}&type=${TYPE.person}`)).ids).toEqual([e.both, e.bousaiPerson, e.shobo]);
  });

  it('genre AND type', async () => {
    expect((await search(`genre=${g.bousai}&type=${TYPE.product}`)).ids).toEqual([e.meibo]);
  });

  it('keyword AND genre AND type', async () => {
    expect((await search(`genre=${g.bousai}&type=${TYPE.product}&type=${TYPE.case}&q=${encodeURIComponent('クラウド')}`)).ids)
      .toEqual([e.both, e.meibo]);
  });

  it('deleted and suspended entries › never appear, whatever the conditions', async () => {
    for (const query of ['', `genre=${g.meibo}`, `q=${encodeURIComponent('名簿クラウド')}`, `type=${TYPE.product}`]) {
      const { ids } = await search(query);
      expect(ids).not.toContain(e.suspended);
      expect(ids).not.toContain(e.deleted);
    }
  });

  it('the index follows writes › an entry added, edited to the top, suspended and deleted', async () => {
    const { db } = portal;
    const vendor = createUser(db, 'vendor');
    const added = createEntry(db, vendor, { title: '新しい消防の情報', genreIds: [g.shobo] });
    expect((await search(`genre=${g.bousai}`)).ids[0]).toBe(added);

    db.prepare('UPDATE entries SET updated_at = ? WHERE id = ?').run('2099-01-01T00:00:00.000Z', e.meibo);
    expect((await search(`genre=${g.bousai}`)).ids[0]).toBe(e.meibo);

    suspendEntry(db, added);
    expect((await search(`genre=${g.shobo}`)).ids).not.toContain(added);
    db.prepare('UPDATE entries SET suspended_at = NULL, suspended_reason = NULL WHERE id = ?').run(added);
    expect((await search(`genre=${g.shobo}`)).ids).toContain(added);
    deleteEntry(db, added);
    expect((await search(`genre=${g.shobo}`)).ids).not.toContain(added);
  });

  it('the index follows writes › made through another connection, as by another process', async () => {
    const other = openDatabase(portal.dbPath);
    const vendor = createUser(other, 'vendor');
    const added = createEntry(other, vendor, { title: '別プロセスからの登録', genreIds: [g.kyoiku], updatedAt: '2099-06-01T00:00:00.000Z' });
    other.close();
    expect((await search(`genre=${g.kyoiku}`)).ids[0]).toBe(added);
  });
});
