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
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
