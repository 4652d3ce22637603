import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import { publicDir } from '../paths.js';

/** Where each static file is served from: its plain path (as pages name it) → its content-hashed URL. */
export type AssetManifest = Record<string, string>;

export const ASSET_PREFIX = '/static';
export const MANIFEST_FILE = 'assets.json';

const designTokens = createRequire(import.meta.url).resolve('@digital-go-jp/design-tokens/dist/tokens.css');

/** The files the pages link to: plain path → source file. */
export function assetSources(): Record<string, string> {
  return {
    '/css/portal.css': path.join(publicDir, 'css', 'portal.css'),
    '/js/portal.js': path.join(publicDir, 'js', 'portal.js'),
    '/favicon.svg': path.join(publicDir, 'favicon.svg'),
    '/assets/design-tokens/tokens.css': designTokens,
  };
}

/**
 * `npm run build`'s asset step: each file copied under a name with its content's hash
 * (portal.3f2a9c1b0d.css), so it can be cached for a year and a new version is a new name; beside
 * it the brotli (.br) and gzip (.gz) copies, compressed once at their best settings instead of at
 * every request. The manifest maps the plain paths to the hashed URLs.
 */
export function buildAssets(outDir: string, sources = assetSources()): AssetManifest {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const manifest: AssetManifest = {};
  for (const [plain, source] of Object.entries(sources)) {
    const content = fs.readFileSync(source);
    const hash = crypto.createHash('sha256').update(content).digest('hex').slice(0, 10);
    const ext = path.extname(source);
    const name = `${path.basename(source, ext)}.${hash}${ext}`;
    fs.writeFileSync(path.join(outDir, name), content);
    fs.writeFileSync(path.join(outDir, `${name}.br`), zlib.brotliCompressSync(content, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: content.length },
    }));
    fs.writeFileSync(path.join(outDir, `${name}.gz`), zlib.gzipSync(content, { level: zlib.constants.Z_BEST_COMPRESSION }));
    manifest[plain] = `${ASSET_PREFIX}/${name}`;
  }
  fs.writeFileSync(path.join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The manifest of a built asset folder, or undefined where there is none (tests, `npm run dev`). */
export function loadAssetManifest(dir: string | undefined): AssetManifest | undefined {
  if (!dir) return undefined;
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as AssetManifest;
  } catch {
    return undefined;
  }
}
