import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { mailSender } from '../../src/mail/sender.js';
import { createEntry, createGenre, createUser, deleteEntry, suspendEntry, TYPE } from '../helpers/factories.js';
import { createTestPortal, portalOn, PUBLIC_URL, testClock } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';

const DAY = 24 * 60 * 60_000;

describe('saved-search digests', () => {
  it('mail exactly the new matching entries since the last digest, once, to a real SMTP server; never deleted or suspended ones', async () => {
    const smtp = await startSmtpServer();
    try {
      const { db } = createTestPortal();
      const clock = testClock('2026-11-26T00:00:00.000Z');
      const { jobs } = portalOn(db, { clock });
      const mailer = mailSender({ smtpUrl: smtp.url, from: 'noreply@applic.example.jp', outbox: outboxRepository(db), clock, logger: pino({ level: 'silent' }) });
      const bousai = createGenre(db, '防災');
      const hinanjo = createGenre(db, '避難所運営', bousai);
      const kanko = createGenre(db, '観光');
      const vendor = createUser(db, 'vendor');
      const city = createUser(db, 'municipality', { email: 'officer@city.example.jp', name: '鈴木 一郎' });
      const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
      const before = createEntry(db, vendor, { title: '前からある避難所製品', genreIds: [hinanjo], typeId: TYPE.product, updatedAt: at(-DAY) });
      db.prepare(`INSERT INTO saved_searches (user_id, name, genre_ids, type_ids, q, alert, checked_until, created_at, updated_at)
                  VALUES (?, '防災の製品', ?, ?, '', 1, ?, ?, ?)`).run(city.id, `[${bousai}]`, `[${TYPE.product}]`, at(0), at(0), at(0));

      // During the first day: two matching entries, one of another type, one in another genre,
      // one deleted and one suspended after registration, and an old entry updated.
      const fresh = createEntry(db, vendor, { title: '新しい避難所受付システム', genreIds: [hinanjo], typeId: TYPE.product, updatedAt: at(2 * 3_600_000) });
      const freshTop = createEntry(db, vendor, { title: '防災無線の新製品', genreIds: [bousai], typeId: TYPE.product, updatedAt: at(5 * 3_600_000) });
      createEntry(db, vendor, { title: '避難所の事例', genreIds: [hinanjo], typeId: TYPE.case, updatedAt: at(3 * 3_600_000) });
      createEntry(db, vendor, { title: '観光アプリ', genreIds: [kanko], typeId: TYPE.product, updatedAt: at(3 * 3_600_000) });
      deleteEntry(db, createEntry(db, vendor, { title: '削除された避難所製品', genreIds: [hinanjo], typeId: TYPE.product, updatedAt: at(4 * 3_600_000) }));
      suspendEntry(db, createEntry(db, vendor, { title: '停止された避難所製品', genreIds: [hinanjo], typeId: TYPE.product, updatedAt: at(4 * 3_600_000) }));
      db.prepare('UPDATE entries SET updated_at = ? WHERE id = ?').run(at(6 * 3_600_000), before);

      clock.advance(12 * 3_600_000);
      expect(jobs.savedSearchDigests.run()).toBe(0); // not a day yet
      clock.advance(12 * 3_600_000);
      expect(jobs.savedSearchDigests.run()).toBe(1);
      expect(jobs.savedSearchDigests.run()).toBe(0); // once
      await mailer.deliverDue();
      expect(smtp.messages).toHaveLength(1);
      const [mail] = smtp.messages;
      expect(mail!.to && !Array.isArray(mail!.to) ? mail!.to.text : '').toBe('officer@city.example.jp');
      expect(mail!.subject).toBe('【ＡＰＰＬＩＣ マッチングポータル】保存した検索「防災の製品」に新しい情報が3件あります');
      const named = [...mail!.text!.matchAll(/\/entries\/(\d+)/g)].map((m) => Number(m[1]));
      expect(named).toEqual([before, freshTop, fresh]); // newest update first
      expect(mail!.text).toContain(`${PUBLIC_URL}/entries/${fresh}\n`); // absolute: a mail is read outside the portal
      expect(mail!.text).toContain(`${PUBLIC_URL}/my/searches`);
      for (const title of ['避難所の事例', '観光アプリ', '削除された避難所製品', '停止された避難所製品']) expect(mail!.text).not.toContain(title);

      // The next day: only what is new since the first digest.
      clock.advance(DAY / 2);
      const later = createEntry(db, vendor, { title: '翌日の避難所製品', genreIds: [hinanjo], typeId: TYPE.product, updatedAt: clock.now().toISOString() });
      clock.advance(DAY / 2);
      expect(jobs.savedSearchDigests.run()).toBe(1);
      await mailer.deliverDue();
      expect(smtp.messages).toHaveLength(2);
      expect([...smtp.messages[1]!.text!.matchAll(/\/entries\/(\d+)/g)].map((m) => Number(m[1]))).toEqual([later]);

      // A day with nothing new mails nothing; a search without the alert is never mailed.
      clock.advance(DAY);
      expect(jobs.savedSearchDigests.run()).toBe(0);
      db.prepare('UPDATE saved_searches SET alert = 0').run();
      createEntry(db, vendor, { title: 'お知らせしない製品', genreIds: [hinanjo], typeId: TYPE.product, updatedAt: clock.now().toISOString() });
      clock.advance(2 * DAY);
      expect(jobs.savedSearchDigests.run()).toBe(0);
      mailer.close();
    } finally {
      await smtp.close();
    }
  });
});
