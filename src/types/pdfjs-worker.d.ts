// pdfjs-dist ships no types for its parser module: the worker only hands it to pdf.js (pdf-text.worker.ts).
declare module 'pdfjs-dist/legacy/build/pdf.worker.mjs' {
  export const WorkerMessageHandler: unknown;
}
