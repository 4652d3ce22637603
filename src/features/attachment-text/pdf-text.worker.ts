/**
 * The worker thread that reads PDFs (started by pdf-text.extractor.ts): one file at a time, by its
 * path, answered with its text or why there is none. Kept apart from the server's thread so that a
 * slow or hostile file can be stopped by terminating the thread, and its memory is capped.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { extractPdfText, PdfTextError } from './pdf-text.js';

export type WorkerRequest = { path: string };
export type WorkerReply =
  | { ready: true }
  | { ok: true; text: string; folded: string; pairs: string; pages: number; truncated: boolean }
  | { ok: false; failure: PdfTextError['failure']; detail: string };

const { maxChars } = workerData as { maxChars: number };
const port = parentPort!;

port.on('message', (request: WorkerRequest) => {
  void (async (): Promise<WorkerReply> => {
    try {
      const data = new Uint8Array(await readFile(request.path));
      return { ok: true, ...(await extractPdfText(data, maxChars)) };
    } catch (error) {
      if (error instanceof PdfTextError) return { ok: false, failure: error.failure, detail: error.message };
      return { ok: false, failure: 'unreadable', detail: (error as Error).message };
    }
  })().then((reply) => port.postMessage(reply));
});
// pdf.js is loaded before the first file is timed.
void import('pdfjs-dist/legacy/build/pdf.mjs').then(() => port.postMessage({ ready: true } satisfies WorkerReply));
