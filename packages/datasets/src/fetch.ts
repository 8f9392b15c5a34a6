import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { dirname, join, relative, sep } from 'node:path';
import { InputError, createProgress, log, writeFileAtomicSync } from '@descbench/core';
import * as tar from 'tar';
import * as yauzl from 'yauzl';
import { DATASET_CATALOG, findCatalogEntry, isDatasetPresent, type CatalogEntry, type RemoteFile } from './dataset-catalog';

/**
 * `bench fetch`: resumable HTTP(S) downloads (a `.part` file continued with a `Range` request),
 * size / md5 / sha256 checks where the catalog knows them (a mismatch deletes the download and
 * refuses), zip (yauzl) and tar.gz (tar) extraction into a temporary folder renamed into place,
 * and `manifest.json` under the data root recording what was fetched (with the sha256 we computed).
 */
export interface DownloadOptions {
  bytes?: number;
  sha256?: string;
  md5?: string;
  progress?: boolean;
  /** Follow at most this many redirects (default 5). */
  maxRedirects?: number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  md5: string;
  resumedFrom: number;
}

const IDLE_TIMEOUT_MS = 60_000;

function request(url: string, headers: Record<string, string>, redirects: number): Promise<IncomingMessage> {
  return new Promise((resolveP, reject) => {
    const get = url.startsWith('https:') ? httpsGet : url.startsWith('http:') ? httpGet : undefined;
    if (get === undefined) return reject(new InputError(`unsupported URL scheme: ${url}`));
    const req = get(url, { headers }, (res) => {
      const code = res.statusCode ?? 0;
      if (code >= 300 && code < 400 && res.headers.location !== undefined) {
        res.resume();
        if (redirects <= 0) return reject(new Error(`too many redirects at ${url}`));
        return resolveP(request(new URL(res.headers.location, url).toString(), headers, redirects - 1));
      }
      resolveP(res);
    });
    // A stalled connection fails (and the .part is resumed by the next fetch).
    req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new Error(`no data for ${IDLE_TIMEOUT_MS / 1000} s`)));
    req.on('error', (e: NodeJS.ErrnoException) => reject(unreachable(url, e)));
  });
}

/**
 * The network failed (host unreachable, HTTP error, transfer cut): the user's to fix or retry, so
 * an input error (one line, exit 2), but what arrived so far is kept for the next try.
 */
export class NetworkError extends InputError {}

function unreachable(url: string, e: NodeJS.ErrnoException): InputError {
  return new NetworkError(`cannot reach ${new URL(url).host} (${e.code ?? e.message}) for ${url}; check the network connection and retry (downloads resume where they stopped)`);
}

async function hashFile(path: string): Promise<{ sha256: string; md5: string }> {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  await new Promise<void>((res, rej) => {
    createReadStream(path)
      .on('data', (c) => {
        sha.update(c);
        md5.update(c);
      })
      .on('end', () => res())
      .on('error', rej);
  });
  return { sha256: sha.digest('hex'), md5: md5.digest('hex') };
}

/**
 * Download `url` to `dest`. Bytes go to `dest + '.part'`; a later call continues it with
 * `Range: bytes=<have>-` (restarting if the server ignores ranges). On completion the size and
 * any known checksum are verified: a mismatch removes the partial file and throws InputError.
 */
export async function downloadFile(url: string, dest: string, o: DownloadOptions = {}): Promise<DownloadResult> {
  mkdirSync(dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  let have = existsSync(part) ? statSync(part).size : 0;
  if (o.bytes !== undefined && have > o.bytes) {
    rmSync(part);
    have = 0;
  }
  const headers: Record<string, string> = { 'user-agent': 'descbench-fetch' };
  if (have > 0) headers.range = `bytes=${have}-`;
  const res = await request(url, headers, o.maxRedirects ?? 5);
  const code = res.statusCode ?? 0;
  let resumedFrom = 0;
  if (code === 416 && have > 0) {
    // Range not satisfiable: the part is already complete (or the file changed); verify below.
    res.resume();
    resumedFrom = have;
  } else if (code === 206 && have > 0) {
    resumedFrom = have;
  } else if (code === 200) {
    if (have > 0) log.info(`${url}: server ignored the range request; downloading from the start`);
    have = 0;
  } else {
    res.resume();
    throw new NetworkError(`the server answered HTTP ${code} for ${url}; retry later, or download the file yourself into the data folder`);
  }
  if (code !== 416) {
    const len = Number(res.headers['content-length'] ?? NaN);
    const total = Number.isFinite(len) ? have + len : (o.bytes ?? 0);
    const bar = o.progress === false || total === 0 ? undefined : createProgress(`fetch ${dest.split(sep).pop()}`, total);
    bar?.tick(have);
    const out = createWriteStream(part, { flags: have > 0 ? 'a' : 'w' });
    await new Promise<void>((resolveP, reject) => {
      let failed = false;
      // On an interruption keep what arrived: stop piping, flush the part file, then reject.
      const fail = (e: Error): void => {
        if (failed) return;
        failed = true;
        res.unpipe(out);
        const done = (): void => {
          const got = existsSync(part) ? statSync(part).size : 0;
          reject(new NetworkError(`download of ${url} interrupted after ${got} bytes (rerun to resume): ${e.message}`));
        };
        if (out.writableFinished || out.destroyed) done();
        else {
          out.once('close', done);
          out.end();
        }
      };
      res.on('data', (c: Buffer) => bar?.tick(c.length));
      res.on('aborted', () => fail(new Error('connection aborted')));
      res.on('close', () => {
        if (!res.complete) fail(new Error('connection closed early'));
      });
      res.on('error', fail);
      res.on('end', () => {
        if (!res.complete) fail(new Error('connection closed early'));
      });
      out.on('error', (e) => {
        if (!failed) {
          failed = true;
          reject(e);
        }
      });
      out.on('finish', () => {
        if (failed) return;
        if (!res.complete) fail(new Error('connection closed early'));
        else resolveP();
      });
      res.pipe(out);
    });
    bar?.done();
  }
  const size = statSync(part).size;
  const refuse = (what: string): never => {
    rmSync(part, { force: true });
    throw new InputError(`${what}; the download was deleted`, { file: dest, at: url });
  };
  if (o.bytes !== undefined && size !== o.bytes) refuse(`size ${size} bytes, expected ${o.bytes}`);
  const h = await hashFile(part);
  if (o.sha256 !== undefined && h.sha256 !== o.sha256.toLowerCase()) refuse(`sha256 ${h.sha256}, expected ${o.sha256}`);
  if (o.md5 !== undefined && h.md5 !== o.md5.toLowerCase()) refuse(`md5 ${h.md5}, expected ${o.md5}`);
  renameSync(part, dest);
  return { path: dest, bytes: size, sha256: h.sha256, md5: h.md5, resumedFrom };
}

/** Unzip with yauzl (it rejects absolute and `..` entry names) into `dir`. */
export function extractZip(file: string, dir: string): Promise<number> {
  return new Promise((resolveP, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(new InputError(`not a readable zip archive: ${err?.message ?? 'unknown error'}`, { file }));
      let n = 0;
      zip.on('error', (e: Error) => reject(new InputError(`corrupt zip archive: ${e.message}`, { file })));
      zip.on('end', () => resolveP(n));
      zip.on('entry', (entry: yauzl.Entry) => {
        const target = join(dir, entry.fileName);
        if (!target.startsWith(dir + sep) && target !== dir) return reject(new InputError(`zip entry escapes the target folder: ${entry.fileName}`, { file }));
        if (entry.fileName.endsWith('/')) {
          mkdirSync(target, { recursive: true });
          zip.readEntry();
          return;
        }
        mkdirSync(dirname(target), { recursive: true });
        zip.openReadStream(entry, (e2, stream) => {
          if (e2 || !stream) return reject(new InputError(`corrupt zip entry ${entry.fileName}: ${e2?.message}`, { file }));
          const out = createWriteStream(target);
          stream.on('error', (e3) => reject(new InputError(`corrupt zip entry ${entry.fileName}: ${e3.message}`, { file })));
          out.on('finish', () => {
            n++;
            zip.readEntry();
          });
          stream.pipe(out);
        });
      });
      zip.readEntry();
    });
  });
}

/** Untar a .tar.gz with node-tar (no absolute paths, no `..`) into `dir`. */
export async function extractTarGz(file: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  try {
    await tar.x({ file, cwd: dir, strict: true, preservePaths: false });
  } catch (e) {
    throw new InputError(`not a readable tar.gz archive: ${(e as Error).message}`, { file });
  }
}

function moveAllFilesUp(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  const walk = (d: string): void => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, n.name);
      if (n.isDirectory()) walk(p);
      else if (n.isFile()) renameSync(p, join(to, n.name));
    }
  };
  walk(from);
}

/** Move the contents of `from` into `to` (created), replacing same-named entries. */
function mergeInto(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const n of readdirSync(from)) {
    const target = join(to, n);
    rmSync(target, { recursive: true, force: true });
    renameSync(join(from, n), target);
  }
}

export interface ManifestEntry {
  name: string;
  dir: string;
  fetchedAt: string;
  files: { url: string; file: string; bytes: number; sha256: string; md5: string; extracted: boolean }[];
}

export interface Manifest {
  version: 1;
  datasets: Record<string, ManifestEntry>;
}

export function readManifest(root: string): Manifest {
  const f = join(root, 'manifest.json');
  if (!existsSync(f)) return { version: 1, datasets: {} };
  try {
    const m = JSON.parse(readFileSync(f, 'utf8')) as Manifest;
    if (m.version !== 1 || typeof m.datasets !== 'object') throw new Error('unexpected content');
    return m;
  } catch (e) {
    throw new InputError(`unreadable manifest: ${(e as Error).message}`, { file: f });
  }
}

export interface FetchOptions {
  dataDir: string;
  /** Use another catalog (tests, mirrors). */
  catalog?: readonly CatalogEntry[];
  /** Fetch even when the dataset looks present. */
  force?: boolean;
  progress?: boolean;
  /** Keep downloaded archives after extraction (default false). */
  keepArchives?: boolean;
}

export interface FetchResult {
  name: string;
  dir: string;
  skipped: boolean;
  files: ManifestEntry['files'];
}

/** Fetch one catalog dataset into the data root and record it in `manifest.json`. */
export async function fetchDataset(name: string, o: FetchOptions): Promise<FetchResult> {
  const catalog = o.catalog ?? DATASET_CATALOG;
  const e = findCatalogEntry(name, catalog);
  const root = o.dataDir;
  const dir = join(root, e.dir);
  if (!o.force && isDatasetPresent(root, e)) {
    log.info(`${name}: already present in ${dir}`);
    return { name, dir, skipped: true, files: readManifest(root).datasets[name]?.files ?? [] };
  }
  const files: ManifestEntry['files'] = [];
  const dlDir = join(root, '.downloads', name);
  // 1. Download every file into .downloads/<name>/ (a .part survives an interruption and is resumed).
  const got: DownloadResult[] = [];
  try {
    for (const f of e.files) {
      const dest = join(dlDir, f.file);
      if (existsSync(dest)) {
        got.push({ path: dest, bytes: statSync(dest).size, ...(await hashFile(dest)), resumedFrom: 0 });
        continue;
      }
      log.info(`${name}: downloading ${f.url}`);
      got.push(await downloadFile(f.url, dest, { ...pick(f), progress: o.progress ?? true }));
    }
  } catch (err) {
    // A refused (checksum/size) download leaves nothing behind; an interrupted one keeps its .part.
    if (err instanceof InputError && !(err instanceof NetworkError)) removeDownloads(root, dlDir);
    throw err;
  }
  // 2. Unpack archives / move plain files into the dataset folder.
  for (const [i, f] of e.files.entries()) {
    const r = got[i] as DownloadResult;
    if (f.extract !== undefined) {
      try {
        await unpack(f, r.path, dir, dlDir, o.keepArchives ?? false);
      } catch (err) {
        if (err instanceof InputError) removeDownloads(root, dlDir);
        throw err;
      }
    } else {
      const target = join(dir, f.file);
      mkdirSync(dirname(target), { recursive: true });
      renameSync(r.path, target);
    }
    files.push({ url: f.url, file: f.file, bytes: r.bytes, sha256: r.sha256, md5: r.md5, extracted: f.extract !== undefined });
  }
  const m = readManifest(root);
  m.datasets[name] = { name, dir: relative(root, dir), fetchedAt: new Date().toISOString(), files };
  writeFileAtomicSync(join(root, 'manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
  removeDownloads(root, dlDir);
  return { name, dir, skipped: false, files };
}

function removeDownloads(root: string, dlDir: string): void {
  rmSync(dlDir, { recursive: true, force: true });
  const parent = join(root, '.downloads');
  if (existsSync(parent) && readdirSync(parent).length === 0) rmSync(parent, { recursive: true, force: true });
}

function pick(f: RemoteFile): Pick<DownloadOptions, 'bytes' | 'sha256' | 'md5'> {
  const o: Pick<DownloadOptions, 'bytes' | 'sha256' | 'md5'> = {};
  if (f.bytes !== undefined) o.bytes = f.bytes;
  if (f.sha256 !== undefined) o.sha256 = f.sha256;
  if (f.md5 !== undefined) o.md5 = f.md5;
  return o;
}

async function unpack(f: RemoteFile, archive: string, dir: string, dlDir: string, keep: boolean): Promise<void> {
  const tmp = join(dlDir, `extract-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    if (f.extract === 'zip') await extractZip(archive, tmp);
    else await extractTarGz(archive, tmp);
    if (f.flattenTo !== undefined) {
      const flat = join(dlDir, `flat-${process.pid}`);
      moveAllFilesUp(tmp, flat);
      mergeInto(flat, join(dir, f.flattenTo));
      rmSync(flat, { recursive: true, force: true });
    } else mergeInto(tmp, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!keep) rmSync(archive, { force: true });
}

/** What the catalog knows and what is present under the data root. */
export function datasetStatus(root: string, catalog: readonly CatalogEntry[] = DATASET_CATALOG): { name: string; present: boolean; dir: string; description: string }[] {
  return catalog.map((e) => ({ name: e.name, present: isDatasetPresent(root, e), dir: join(root, e.dir), description: e.description }));
}
