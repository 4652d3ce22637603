import express from 'express';
import pino from 'pino';
import { createPortal } from '../src/app.js';
import { systemClock } from '../src/clock.js';
import { openDatabase } from '../src/db/connection.js';
import { keepSearchWarm } from '../src/features/search/search.warmer.js';

/**
 * The server side of the bench, in its own process so the load generator does not share its event
 * loop. `portal DB_PATH [UPLOAD_DIR]` serves the real app (`portal-without-usage`: recording no usage); `bare` serves one Express route of similar size as the
 * baseline. Prints "LISTENING <port>" once ready.
 */
const [mode, dbPath, uploadDir] = process.argv.slice(2);

let app: express.Express;
/** Resolved once the index has read its common keyword terms: the bench measures the steady state. */
let warmed: Promise<void> = Promise.resolve();
if ((mode === 'portal' || mode === 'portal-without-usage') && dbPath) {
  const portal = createPortal({
    db: openDatabase(dbPath),
    config: { nodeEnv: 'production', trustProxy: false, sessionIdleMinutes: 30, uploadDir: uploadDir ?? 'uploads', adminEmail: 'bench@example.jp', publicUrl: 'http://localhost',
      backup: { dir: '.bench/backups', keepDaily: 7, keepWeekly: 8, hour: 3 }, usageRetentionDays: 730 },
    sessionSecret: 'bench-session-secret-bench-session-secret',
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    ipThrottle: { maxFailures: 1_000_000, windowMs: 60_000 },
    recordUsage: mode === 'portal',
  });
  app = portal.app;
  const started = performance.now();
  let told = false;
  warmed = new Promise((resolve) => keepSearchWarm(portal.searchIndex, dbPath, pino({ level: 'silent' }), () => {
    if (!told) console.log(`WARMED ${Math.round(performance.now() - started)}`);
    told = true;
    resolve();
  }));
  // The bench's "searches while a PDF is read": SIGUSR2 runs the PDF text job once, as the scheduler would.
  process.on('SIGUSR2', () => {
    const started = performance.now();
    void portal.jobs.attachmentTexts.run().then((count) => console.log(`EXTRACTED ${count} ${Math.round(performance.now() - started)}`));
  });
} else {
  const page = `<!DOCTYPE html><html lang="ja"><body>${'<p>ベースライン</p>'.repeat(300)}</body></html>`;
  app = express();
  app.get('/', (_req, res) => {
    res.type('html').send(page);
  });
}

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  void warmed.then(() => console.log(`LISTENING ${typeof address === 'object' && address ? address.port : ''}`));
});

// Exit cleanly on a signal, so `node --cpu-prof bench/serve.ts …` writes its profile.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
