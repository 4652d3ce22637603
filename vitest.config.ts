import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // better-sqlite3 and bcrypt are native modules: child processes keep each file's state apart.
    pool: 'forks',
    // Vitest's default leaves a core free, which on CI's two cores ran the whole suite in one process
    // (829 s here); two workers took 569 s. Tests that wait on load are written for it (the login
    // queue restarts its wait while it moves; the PDF reader's cap counts its own CPU time).
    maxWorkers: Math.max(2, os.availableParallelism()),
    // A timeout here only catches a test that hangs: speed is the bench's to measure (npm run bench).
    // With a worker per core, the heaviest tests (axe over 35 admin pages, PDFs read to their caps)
    // took 23–30 s on CI's two cores, at the old 30 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
