import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths.js';

/** The portal's version as package.json states it (shown on /admin/system, written into backups). */
export const PORTAL_VERSION: string = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
