import { openDatabase } from '../src/db/connection.js';
import { entriesRepository } from '../src/features/entries/entries.repository.js';

/**
 * The write side of the bench's "registrations while searching" measure, in its own process as a
 * second server would be: registers an entry every `intervalMs` until stopped, each through the same
 * repository call a registration makes (entry, genres and keyword index in one transaction), and
 * prints "WROTE <n>" when it gets SIGTERM.
 */
const [dbPath, intervalArg] = process.argv.slice(2);
const db = openDatabase(dbPath!);
const repo = entriesRepository(db);
const owner = db.prepare(`SELECT u.id, u.organisation_id AS organisationId FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE o.kind = 'vendor' LIMIT 1`).get() as { id: number; organisationId: number };
const leaves = db.prepare(`SELECT id FROM genres WHERE parent_id IN (SELECT id FROM genres WHERE parent_id IS NOT NULL)`).pluck().all() as number[];
let written = 0;
const timer = setInterval(() => {
  const at = new Date().toISOString();
  repo.insertEntry({
    typeId: 1 + (written % 3), title: `ベンチ中に登録された製品 ${written}`, summary: '検索と同時に登録される製品です。避難所の受付を支援します。', url: null,
    contactCompany: 'ベンダー', contactDepartment: '営業部', contactName: '担当', contactPhone: '03-0000-0000', contactEmail: 'c@bench.example',
    registrantCompany: 'ベンダー', registrantDepartment: '営業部', registrantName: '担当', registrantPhone: '03-0000-0000', registrantEmail: 'r@bench.example',
    organisationId: owner.organisationId, userId: owner.id, genreIds: [leaves[written % leaves.length]!, leaves[(written * 7) % leaves.length]!],
    operatorIp: '127.0.0.1', createdAt: at, updatedAt: at,
  });
  written++;
}, Number(intervalArg ?? 50));
console.log('WRITING');
process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log(`WROTE ${written}`);
  db.close();
  process.exit(0);
});
