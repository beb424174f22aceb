/**
 * The admin page's files, read once at startup and served from memory: no file system access
 * per request, so no path can reach outside the views folder.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StaticAsset {
  body: Buffer;
  contentType: string;
  /** strong validator for If-None-Match */
  etag: string;
  cacheControl: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// Our own files revalidate on every load (cheap with the ETag) so a deploy shows at once; the
// vendored chart library changes only with a package upgrade.
const OWN_CACHE = 'no-cache';
const VENDOR_CACHE = 'public, max-age=86400';

const VIEWS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'views');

function asset(file: string, cacheControl: string): StaticAsset {
  const body = readFileSync(file);
  const contentType = CONTENT_TYPES[extname(file)];
  if (!contentType) throw new Error(`Cannot serve ${file}: no content type for "${extname(file)}"; add it to CONTENT_TYPES`);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { body, contentType, etag, cacheControl };
}

/** An HTML page of the views folder: `admin.html`, `login.html`. */
export function loadPage(file: string): StaticAsset {
  return asset(join(VIEWS_DIR, file), OWN_CACHE);
}

/** Everything under /ui/, keyed by the path after /ui/. */
export function loadUiAssets(): Map<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  for (const name of readdirSync(VIEWS_DIR)) {
    const ext = extname(name);
    if (ext === '.html' || !CONTENT_TYPES[ext] || name.includes('.test.')) continue;
    assets.set(name, asset(join(VIEWS_DIR, name), OWN_CACHE));
  }
  const uplotDist = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
  for (const name of ['uPlot.iife.min.js', 'uPlot.min.css']) {
    assets.set(`vendor/${name}`, asset(join(uplotDist, name), VENDOR_CACHE));
  }
  return assets;
}
