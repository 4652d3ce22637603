import path from 'node:path';
import { buildAssets } from '../assets/assets.js';
import { projectRoot } from '../paths.js';

/** Run by `npm run build` after tsc: the content-hashed, precompressed static files in dist/public. */
const out = path.join(projectRoot, 'dist', 'public');
const manifest = buildAssets(out);
console.log(`静的ファイル ${Object.keys(manifest).length} 件を ${out} に書き出しました。`);
