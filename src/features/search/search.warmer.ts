import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../logger.js';
import type { DenseReply, DenseRequest } from './dense-terms.worker.js';
import type { SearchIndex } from './search.index.js';

const fromSource = import.meta.url.endsWith('.ts');
const workerFile = fileURLToPath(new URL(fromSource ? './dense-terms.worker.ts' : './dense-terms.worker.js', import.meta.url));

/**
 * The reader thread. From source (tests, `npm run dev`) it registers tsx first: a worker thread does
 * not take `--import tsx` from execArgv on Node 20.
 */
function startReader(file: string): Worker {
  if (!fromSource) return new Worker(workerFile, { workerData: { file } });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(pathToFileURL(workerFile).href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: { file } });
}

/** How often an idle warmer looks whether a rebuild asks for the dense terms again. */
const LOOK_AGAIN_MS = 30_000;

type Warmable = Pick<SearchIndex, 'denseWork' | 'installDenseTerm' | 'warmDenseTerms'>;

/**
 * Keeps a search index's common keyword terms read (SearchIndex, DenseTermOptions): the plan is made
 * between requests, a few milliseconds a turn of the event loop; the terms are read by a worker thread
 * on its own read-only connection to `file`, one at a time, and installed as they come (the main
 * thread only patches what changed since each read). The worker ends when the plan is done and is
 * started again when a rebuild asks for a new one. `onIdle` is told each time the work runs out.
 * Returns the function that stops it.
 */
export function keepSearchWarm(index: Warmable, file: string, logger: Logger, onIdle?: () => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let worker: Worker | undefined;
  const later = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(step, ms);
    timer.unref();
  };
  const idle = () => {
    void worker?.terminate();
    worker = undefined;
    onIdle?.();
    later(LOOK_AGAIN_MS);
  };

  /** The terms of one plan, one request at a time; then the next piece of work. */
  const read = (work: { build: number; capacity: number; terms: string[] }) => {
    if (!fs.existsSync(file)) {
      // A database only in memory: no second connection can see it.
      index.warmDenseTerms();
      return idle();
    }
    const reader = worker ??= startReader(file);
    reader.unref();
    const terms = [...work.terms];
    const started = performance.now();
    let installed = 0;
    const next = () => {
      const term = terms.shift();
      if (term === undefined || stopped) {
        reader.off('message', answer);
        reader.off('error', failed);
        logger.info({ terms: work.terms.length, installed, ms: Math.round(performance.now() - started) }, 'common keyword terms read into the search index');
        return step();
      }
      reader.postMessage({ term, capacity: work.capacity } satisfies DenseRequest);
    };
    const answer = (reply: DenseReply) => {
      if ('error' in reply) logger.warn({ term: reply.term, error: reply.error }, 'a common keyword term could not be read; it is read from SQLite when searched');
      else if (index.installDenseTerm(work.build, reply.term, reply.bits, reply.head)) installed++;
      next();
    };
    const failed = (error: unknown) => {
      logger.error({ err: error }, 'the reader of common keyword terms stopped; searches read them from SQLite meanwhile');
      worker = undefined;
      later(LOOK_AGAIN_MS);
    };
    reader.on('message', answer);
    reader.once('error', failed);
    next();
  };

  function step() {
    if (stopped) return;
    let work: ReturnType<Warmable['denseWork']>;
    try {
      work = index.denseWork();
    } catch (error) {
      logger.error({ err: error }, 'planning the common keyword terms failed');
      return later(LOOK_AGAIN_MS);
    }
    if (work === null) return idle();
    if (work === 'planning') return later(0);
    read(work);
  }

  later(0);
  return () => {
    stopped = true;
    clearTimeout(timer);
    void worker?.terminate();
  };
}
