import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { PdfText, PdfTextFailure } from './pdf-text.js';
import type { WorkerReply } from './pdf-text.worker.js';

/** How far one PDF may go (issue 20.3: a hostile or huge file neither blocks the server nor fails the upload). */
export type PdfTextLimits = {
  /**
   * CPU time per file, from the moment it is handed over; then the reading process is killed. CPU,
   * not wall-clock time: the reader runs at the lowest priority, so on a busy server an ordinary
   * brochure may wait long for a core, and that is no reason to give up on it. (Where the system does
   * not tell a process's CPU time, it is wall-clock time.)
   */
  timeoutMs: number;
  /** Characters kept of one PDF's text; the pages beyond are not read. */
  maxChars: number;
  /** The reading process's JavaScript heap; a file that needs more is reported too large. */
  maxHeapMb: number;
  /**
   * The reading process's CPU priority (nice, 0 … 19): 19, the lowest, so a PDF takes a core only
   * while the server does not need it. The tests, sharing two cores with other test files, read at
   * 0: at 19 the reader could wait minutes for a core there.
   */
  nice: number;
};

/** A brochure of a hundred pages is read in a few seconds; 100,000 characters are about fifty pages of Japanese. */
export const defaultPdfTextLimits: PdfTextLimits = { timeoutMs: 30_000, maxChars: 100_000, maxHeapMb: 256, nice: 19 };

export type Extraction = ({ ok: true } & PdfText) | { ok: false; failure: PdfTextFailure; detail: string };

export type PdfTextExtractor = {
  /** The text of the PDF at `file`, or why there is none. Never rejects. One file at a time. */
  extract(file: string): Promise<Extraction>;
  /** Stops the reading process (its memory goes back); the next extract starts another. */
  close(): Promise<void>;
};

// Compiled (dist/), the reader is a .js file beside this one; from source (npm run dev, the tests,
// the bench) it is TypeScript, run through tsx like its parent.
const fromSource = import.meta.url.endsWith('.ts');
const workerFile = fileURLToPath(new URL(fromSource ? './pdf-text.worker.ts' : './pdf-text.worker.js', import.meta.url));
/** How often the reader's CPU time is looked at. */
const CPU_POLL_MS = 100;
/** However starved of CPU, a file is given up after this many times its CPU cap in wall-clock time. */
const WALL_CLOCK_FACTOR = 20;

/** CPU time (user + system) the process has used, in ms, from Linux's /proc; null where there is none. */
async function cpuTimeMs(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // After the command name in parentheses: utime and stime are fields 14 and 15 of proc(5), in
    // clock ticks of USER_HZ, which is 100 on every Linux architecture Node runs on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}

/**
 * Reads PDFs in a child process, not a thread: its CPU priority can be lowered (measured on two
 * cores: a worker thread reading a 10 MB PDF doubled the p95 of the searches running meanwhile),
 * and whatever a file does to it, the server's process is not touched. Time cap: the process is
 * killed when a file takes longer. Heap cap: V8 stops a process that needs more. The process is
 * started on the first file and kept for the next ones until close(), or until a file ended it.
 */
export function pdfTextExtractor(limits: PdfTextLimits = defaultPdfTextLimits): PdfTextExtractor {
  let running: { child: ChildProcess; ready: Promise<boolean> } | undefined;
  /** The file being read: settled by the reader's reply, its end, or the timer. */
  let current: ((outcome: Extraction) => void) | undefined;
  const settle = (outcome: Extraction) => {
    const done = current;
    current = undefined;
    done?.(outcome);
  };

  const start = () => {
    const child = fork(workerFile, [String(limits.maxChars)], {
      execArgv: [...(fromSource ? ['--import', 'tsx'] : []), `--max-old-space-size=${limits.maxHeapMb}`],
      // pdf.js's warnings about odd files are not the server's log.
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    try {
      os.setPriority(child.pid!, limits.nice);
    } catch {
      // Not permitted here (some containers): it still runs, at the server's priority.
    }
    const ready = new Promise<boolean>((resolve) => {
      child.on('message', (reply: WorkerReply) => {
        if ('ready' in reply) return resolve(true);
        settle(reply.ok ? reply : { ok: false, failure: reply.failure, detail: reply.detail });
      });
      // Out of heap, V8 aborts the process; anything else that ends it ends the file it was reading.
      child.on('exit', (code, signal) => {
        if (running?.child === child) running = undefined;
        const outOfMemory = signal === 'SIGABRT' || code === 134;
        settle({ ok: false, failure: outOfMemory ? 'too_large' : 'unreadable', detail: `the PDF reader stopped (${signal ?? code})` });
        resolve(false);
      });
      child.on('error', () => resolve(false));
    });
    running = { child, ready };
    return running;
  };

  return {
    async extract(file) {
      const { child, ready } = running ?? start();
      if (!(await ready)) return { ok: false, failure: 'unreadable', detail: 'the PDF reader did not start' };
      const startedCpu = await cpuTimeMs(child.pid!);
      const startedAt = Date.now();
      return new Promise<Extraction>((resolve) => {
        let settled = false;
        const stop = (detail: string) => {
          if (settled) return;
          settle({ ok: false, failure: 'timeout', detail });
          if (running?.child === child) running = undefined;
          child.kill('SIGKILL');
        };
        const timer = startedCpu === null
          ? setTimeout(() => stop(`not read within ${limits.timeoutMs} ms`), limits.timeoutMs)
          : setInterval(() => {
            void cpuTimeMs(child.pid!).then((used) => {
              if (used !== null && used - startedCpu >= limits.timeoutMs) stop(`used ${limits.timeoutMs} ms of CPU`);
              else if (Date.now() - startedAt >= limits.timeoutMs * WALL_CLOCK_FACTOR) stop(`not read within ${limits.timeoutMs * WALL_CLOCK_FACTOR} ms`);
            });
          }, CPU_POLL_MS);
        current = (outcome) => {
          settled = true;
          clearTimeout(timer);
          clearInterval(timer);
          resolve(outcome);
        };
        child.send({ path: file });
      });
    },
    async close() {
      const child = running?.child;
      running = undefined;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}
