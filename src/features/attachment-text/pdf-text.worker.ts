/**
 * The process that reads PDFs (started by pdf-text.extractor.ts with `fork`): one file at a time, by
 * its path, answered with its text or why there is none. Apart from the server so that a slow or
 * hostile file can be stopped by killing it, its heap is capped, and at the lowest CPU priority it
 * only takes what the server leaves.
 */
import { readFile } from 'node:fs/promises';
import { extractPdfText, PdfTextError } from './pdf-text.js';

export type WorkerRequest = { path: string };
export type WorkerReply =
  | { ready: true }
  | { ok: true; text: string; folded: string; pairs: string; pages: number; truncated: boolean }
  | { ok: false; failure: PdfTextError['failure']; detail: string };

const maxChars = Number(process.argv[2]);
const reply = (message: WorkerReply) => process.send!(message);

process.on('message', (request: WorkerRequest) => {
  void (async (): Promise<WorkerReply> => {
    try {
      const data = new Uint8Array(await readFile(request.path));
      return { ok: true, ...(await extractPdfText(data, maxChars)) };
    } catch (error) {
      if (error instanceof PdfTextError) return { ok: false, failure: error.failure, detail: error.message };
      return { ok: false, failure: 'unreadable', detail: (error as Error).message };
    }
  })().then(reply);
});
// The server went away (or closed the channel): nothing more to read.
process.on('disconnect', () => process.exit(0));
// pdf.js is loaded before the first file is timed, its parser too: without a worker of its own,
// pdf.js imports pdf.worker.mjs on the first getDocument unless globalThis.pdfjsWorker holds it, and
// that import alone took over two seconds, billed to whichever file came first.
void Promise.all([import('pdfjs-dist/legacy/build/pdf.mjs'), import('pdfjs-dist/legacy/build/pdf.worker.mjs')])
  .then(([, parser]) => {
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = parser;
    reply({ ready: true });
  });
