import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { Logger } from '../../logger.js';

/** A file younger than this may belong to a request still in progress (written before its row). */
export const ORPHAN_MIN_AGE_MS = 60 * 60_000;

/** The names the portal gives uploaded files (my-entries.service.ts): 16 random bytes in hex. */
const STORED_NAME = /^[0-9a-f]{32}$/;

export type SweepResult = { drafts: number; previews: number; files: number };

/**
 * What the portal leaves behind and nothing else removes: registration drafts never saved (and forms
 * kept after a session expired that no one came back for), CSV import
 * previews never committed, and upload files that no attachment and no draft refers to — a crash
 * (kill -9) between writing a file and committing its row leaves such a file, and so did any failure
 * before the draft row existed. Runs at start-up and every hour (server.ts).
 */
export function sweeper(deps: {
  db: Db; uploadDir: string; clock: Clock; logger: Logger; cleanupDrafts: () => number; removeStalePreviews: () => number;
}) {
  const { db, uploadDir, clock, logger } = deps;
  const referenced = db.prepare<[], string>(`
    SELECT stored_name FROM attachments
    UNION SELECT upload_stored_name FROM entry_drafts WHERE upload_stored_name IS NOT NULL
    UNION SELECT upload_stored_name FROM parked_entry_forms WHERE upload_stored_name IS NOT NULL`).pluck();

  function removeOrphanFiles(): number {
    let names: string[];
    try {
      names = fs.readdirSync(uploadDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    // Read after the listing: a file whose row is committed meanwhile is then in the set.
    const inUse = new Set(referenced.all());
    const cutoff = clock.now().getTime() - ORPHAN_MIN_AGE_MS;
    let removed = 0;
    for (const name of names) {
      if (!STORED_NAME.test(name) || inUse.has(name)) continue;
      const file = path.join(uploadDir, name);
      try {
        const stat = fs.statSync(file);
        if (!stat.isFile() || stat.mtimeMs > cutoff) continue;
        fs.rmSync(file);
        removed++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ err: error, name }, 'could not remove an orphaned upload');
      }
    }
    return removed;
  }

  return {
    run(): SweepResult {
      // Drafts first: the files of the drafts removed now are orphans on the same pass.
      const result = { drafts: deps.cleanupDrafts(), previews: deps.removeStalePreviews(), files: removeOrphanFiles() };
      logger.info(result, 'sweep: stale drafts, import previews and orphaned upload files removed');
      return result;
    },
  };
}

export type Sweeper = ReturnType<typeof sweeper>;
