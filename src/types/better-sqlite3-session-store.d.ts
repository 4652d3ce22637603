declare module 'better-sqlite3-session-store' {
  import type session from 'express-session';
  import type Database from 'better-sqlite3';

  type Options = { client: Database.Database; expired?: { clear?: boolean; intervalMs?: number } };
  type StoreClass = new (options: Options) => session.Store;

  export default function makeSqliteStore(s: typeof session): StoreClass;
}
