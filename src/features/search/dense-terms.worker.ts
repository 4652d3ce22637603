import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { createBitset, setBit } from './bitset.js';
import { searchRepository } from './search.repository.js';

/**
 * Reads the search index's common keyword terms off the main thread (search.warmer.ts): a term's
 * matches in title or summary as a bitset of `capacity` bits, with the change feed's head of the
 * same read, so the index can patch what changed since. Its own read-only connection: the main
 * thread's is never busy with it.
 */
export type DenseRequest = { term: string; capacity: number };
export type DenseReply = { term: string; head: number; bits: Uint32Array } | { term: string; error: string };

const { file } = workerData as { file: string };
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const repository = searchRepository(db);
// One read transaction: the head and the matches are of one snapshot.
const read = db.transaction((term: string, capacity: number) => {
  const head = repository.lastChange();
  const bits = createBitset(capacity);
  for (const id of repository.containing('entry', term)) if (id < capacity) setBit(bits, id);
  return { head, bits };
});

parentPort!.on('message', ({ term, capacity }: DenseRequest) => {
  try {
    const { head, bits } = read(term, capacity);
    parentPort!.postMessage({ term, head, bits } satisfies DenseReply, [bits.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ term, error: (error as Error).message } satisfies DenseReply);
  }
});
