import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomicSync } from '@descbench/core';
import { canonicalJson, sha256Hex } from './key';

/** What a cell read: every file's content, summarised in one hash (the manifest goes into the cell's settings). */
export interface DataManifest {
  files: number;
  bytes: number;
  /** sha256 over the sorted (relative path, sha256 of content) list. */
  sha256: string;
}

type FileHashes = Record<string, { size: number; mtimeMs: number; sha256: string }>;
const memo = new Map<string, DataManifest>();

/**
 * The manifest of a data folder (or a single file): the checksum of every file under it. Files
 * whose size and mtime did not change since the last call are not read again: real subsets are
 * gigabytes. The per-file hashes are kept in this process and, given `cacheDir`, in a file there
 * (never in the data folder itself, which may be read-only or listed by its reader).
 */
export function dataManifest(path: string, o: { cacheDir?: string } = {}): DataManifest {
  const root = resolve(path);
  if (!existsSync(root)) throw new Error(`dataManifest: ${root} does not exist`);
  const st = statSync(root);
  if (st.isFile()) {
    const sha = hashFile(root);
    return { files: 1, bytes: st.size, sha256: sha256Hex(canonicalJson([['', sha]])) };
  }
  const files = listFiles(root);
  const stats = files.map((f) => statSync(f));
  const stamp = sha256Hex(canonicalJson(files.map((f, i) => [f, stats[i]!.size, stats[i]!.mtimeMs])));
  const hit = memo.get(stamp);
  if (hit !== undefined) return hit;

  const cachePath = o.cacheDir === undefined ? undefined : join(o.cacheDir, `${sha256Hex(root).slice(0, 16)}.json`);
  let cache: FileHashes = {};
  try {
    if (cachePath !== undefined && existsSync(cachePath)) cache = JSON.parse(readFileSync(cachePath, 'utf8')) as FileHashes;
  } catch {
    cache = {}; // a damaged cache is rebuilt
  }
  const fresh: FileHashes = {};
  let bytes = 0;
  let changed = false;
  const list = files.map((f, i) => {
    const rel = relative(root, f).split('\\').join('/');
    const s = stats[i]!;
    bytes += s.size;
    const c = cache[rel];
    const sha = c !== undefined && c.size === s.size && c.mtimeMs === s.mtimeMs ? c.sha256 : hashFile(f);
    if (c?.sha256 !== sha || c.size !== s.size || c.mtimeMs !== s.mtimeMs) changed = true;
    fresh[rel] = { size: s.size, mtimeMs: s.mtimeMs, sha256: sha };
    return [rel, sha];
  });
  if (cachePath !== undefined && (changed || Object.keys(cache).length !== files.length)) {
    try {
      writeFileAtomicSync(cachePath, JSON.stringify(fresh));
    } catch {
      // an unwritable cache folder: the hashes are kept in memory only
    }
  }
  const m: DataManifest = { files: files.length, bytes, sha256: sha256Hex(canonicalJson(list)) };
  memo.set(stamp, m);
  return m;
}

/** sha256 of a file's content, read in 16 MiB chunks (R1M feature files are 4-8 GB: more than one Buffer holds). */
function hashFile(path: string): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(16 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}
