import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { PdfText, PdfTextFailure } from './pdf-text.js';
import type { WorkerReply } from './pdf-text.worker.js';

/** How far one PDF may go (issue 20.3: a hostile or huge file neither blocks the server nor fails the upload). */
export type PdfTextLimits = {
  /** Per file, from the moment it is handed over; then the thread is stopped. */
  timeoutMs: number;
  /** Characters kept of one PDF's text; the pages beyond are not read. */
  maxChars: number;
  /** The thread's JavaScript heap; a file that needs more is reported too large. */
  maxHeapMb: number;
};

/** A brochure of a hundred pages is read in a few seconds; 100,000 characters are about fifty pages of Japanese. */
export const defaultPdfTextLimits: PdfTextLimits = { timeoutMs: 30_000, maxChars: 100_000, maxHeapMb: 256 };

export type Extraction = ({ ok: true } & PdfText) | { ok: false; failure: PdfTextFailure; detail: string };

export type PdfTextExtractor = {
  /** The text of the PDF at `file`, or why there is none. Never rejects. One file at a time. */
  extract(file: string): Promise<Extraction>;
  /** Stops the worker thread (its memory goes back); the next extract starts another. */
  close(): Promise<void>;
};

// Compiled (dist/), the worker is a .js file beside this one. From source (npm run dev, the tests,
// the bench: tsx), it is TypeScript, which a worker thread cannot load by itself: a two-line
// bootstrap registers tsx in the thread first.
const workerUrl = new URL(import.meta.url.endsWith('.ts') ? './pdf-text.worker.ts' : './pdf-text.worker.js', import.meta.url);

function startWorker(options: WorkerOptions): Worker {
  if (workerUrl.pathname.endsWith('.js')) return new Worker(workerUrl, options);
  // tsx's ES module entry (require.resolve would give its CommonJS one, which cannot do this).
  const require = createRequire(import.meta.url);
  const manifest = require('tsx/package.json') as { exports: Record<string, { import: { default: string } }> };
  const tsx = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), manifest.exports['./esm/api']!.import.default)).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(workerUrl.href)}, ${JSON.stringify(workerUrl.href)}))`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * Reads PDFs in a worker thread with a time cap (the thread is terminated when a file takes longer)
 * and a heap cap (V8 stops a thread that needs more). The thread is started on the first file and
 * kept for the next ones until close(), or until a file made it stop.
 */
export function pdfTextExtractor(limits: PdfTextLimits = defaultPdfTextLimits): PdfTextExtractor {
  let running: { worker: Worker; ready: Promise<boolean> } | undefined;
  /** The file being read: settled by the worker's reply, its failure, or the timer. */
  let current: ((outcome: Extraction) => void) | undefined;

  const start = () => {
    const worker = startWorker({
      workerData: { maxChars: limits.maxChars },
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb },
      stdout: true, stderr: true, // pdf.js's warnings about odd files are not the server's log
    });
    worker.unref();
    worker.stdout.resume(); // read and dropped
    worker.stderr.resume();
    const ready = new Promise<boolean>((resolve) => {
      worker.on('message', (reply: WorkerReply) => {
        if ('ready' in reply) return resolve(true);
        const settle = current;
        current = undefined;
        settle?.(reply.ok ? reply : { ok: false, failure: reply.failure, detail: reply.detail });
      });
      // The heap cap, or anything else that stops the thread, ends the file it was reading.
      worker.on('error', (error: Error & { code?: string }) => {
        const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
        end({ ok: false, failure: outOfMemory ? 'too_large' : 'unreadable', detail: error.message });
        resolve(false);
      });
      worker.on('exit', () => {
        end({ ok: false, failure: 'unreadable', detail: 'the PDF reader stopped' });
        resolve(false);
      });
    });
    const end = (outcome: Extraction) => {
      if (running?.worker === worker) running = undefined;
      const settle = current;
      current = undefined;
      settle?.(outcome);
    };
    running = { worker, ready };
    return running;
  };

  return {
    async extract(file) {
      const { worker, ready } = running ?? start();
      if (!(await ready)) return { ok: false, failure: 'unreadable', detail: 'the PDF reader did not start' };
      return new Promise<Extraction>((resolve) => {
        const timer = setTimeout(() => {
          resolve({ ok: false, failure: 'timeout', detail: `not read within ${limits.timeoutMs} ms` });
          current = undefined;
          if (running?.worker === worker) running = undefined;
          void worker.terminate();
        }, limits.timeoutMs);
        current = (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        };
        worker.postMessage({ path: file });
      });
    },
    async close() {
      const worker = running?.worker;
      running = undefined;
      if (worker) await worker.terminate();
    },
  };
}
