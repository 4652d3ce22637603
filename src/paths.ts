import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The project's top-level folder. This file sits one level below it both as source (src/) and as
 * compiled output (dist/), so the same expression works for `tsx` and for `node dist/...`.
 */
export const projectRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

export const viewsDir = path.join(projectRoot, 'views');
export const publicDir = path.join(projectRoot, 'public');
export const migrationsDir = path.join(projectRoot, 'migrations');
export const seedsDir = path.join(projectRoot, 'seeds');
