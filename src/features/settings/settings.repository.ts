import crypto from 'node:crypto';
import type { Db } from '../../db/connection.js';

/** Portal-wide key/value settings: here, the session secret generated when none is configured. */
export function settingsRepository(db: Db) {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const insertIfMissing = db.prepare(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING',
  );
  return {
    /**
     * Without SESSION_SECRET (outside production) the portal still keeps sessions across restarts:
     * it generates a secret once and keeps it in the database beside the sessions it signs.
     */
    sessionSecret(now: string): string {
      insertIfMissing.run('session_secret', crypto.randomBytes(32).toString('base64url'), now);
      return get.get('session_secret')!.value;
    },
  };
}
