import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInputError } from '@descbench/core';
import * as tar from 'tar';
import * as yazl from 'yazl';
import type { CatalogEntry } from './dataset-catalog';
import { requireDataset } from './dataset-catalog';
import { datasetStatus, downloadFile, fetchDataset, readManifest } from './fetch';
import { resolveDataRoot } from './data-root';
import { generateSyntheticUbc } from './synthetic-ubc';
import { loadUbcDataset } from './ubc-phototour';

let tmp: string;
let server: Server;
let base: string;
const files = new Map<string, Buffer>();
/** Paths whose first request is cut after half the body. */
const cutOnce = new Set<string>();
const log: { path: string; range?: string }[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'descbench-fetch-'));
  // Archives served: a generated UBC subset as zip, a small folder tree as tar.gz, a plain file.
  const ubc = generateSyntheticUbc(join(tmp, 'src', 'ubc'), { patches: 300, pairs: 50, seed: 9, progress: false });
  const zip = new yazl.ZipFile();
  for (const f of readdirSync(ubc.dir)) zip.addFile(join(ubc.dir, f), f);
  zip.end();
  const zipPath = join(tmp, 'src', 'ubc.zip');
  await new Promise<void>((res) => zip.outputStream.pipe(createWriteStream(zipPath)).on('close', () => res()));
  files.set('/ubc.zip', readFileSync(zipPath));
  mkdirSync(join(tmp, 'src', 'tree', 'sub', 'deeper'), { recursive: true });
  writeFileSync(join(tmp, 'src', 'tree', 'sub', 'a.jpg'), 'A');
  writeFileSync(join(tmp, 'src', 'tree', 'sub', 'deeper', 'b.jpg'), 'B'.repeat(100000));
  await tar.c({ gzip: true, file: join(tmp, 'src', 'imgs.tar.gz'), cwd: join(tmp, 'src', 'tree') }, ['sub']);
  files.set('/imgs.tar.gz', readFileSync(join(tmp, 'src', 'imgs.tar.gz')));
  files.set('/gnd.pkl', Buffer.from('not really a pickle, just bytes'));
  server = createServer((req, res) => {
    const path = req.url ?? '';
    log.push(req.headers.range !== undefined ? { path, range: req.headers.range } : { path });
    if (path === '/moved') {
      res.writeHead(302, { location: '/gnd.pkl' });
      return res.end();
    }
    const body = files.get(path);
    if (body === undefined) {
      res.writeHead(404);
      return res.end();
    }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const part = body.subarray(start);
    res.writeHead(m ? 206 : 200, { 'content-length': part.length, ...(m ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}) });
    if (cutOnce.has(path)) {
      cutOnce.delete(path);
      res.write(part.subarray(0, Math.floor(part.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(part);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  await new Promise<void>((res) => server.close(() => res()));
  rmSync(tmp, { recursive: true, force: true });
});

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
function catalog(over: Partial<Record<string, string>> = {}): CatalogEntry[] {
  return [
    {
      name: 'toy-ubc',
      description: 'generated UBC subset',
      dir: join('phototour', 'toy'),
      files: [{ url: `${base}/ubc.zip`, file: 'toy.zip', extract: 'zip', sha256: over.ubc ?? sha(files.get('/ubc.zip')!) }],
      present: ['info.txt'],
      source: 'test',
    },
    {
      name: 'toy-rop',
      description: 'gnd + flattened images',
      dir: join('revisitop', 'toy'),
      files: [
        { url: `${base}/moved`, file: 'gnd_toy.pkl', bytes: files.get('/gnd.pkl')!.length },
        { url: `${base}/imgs.tar.gz`, file: join('jpg', 'imgs.tar.gz'), extract: 'tar.gz', flattenTo: 'jpg', md5: over.md5 ?? createHash('md5').update(files.get('/imgs.tar.gz')!).digest('hex') },
      ],
      present: ['gnd_toy.pkl', 'jpg'],
      source: 'test',
    },
  ];
}

describe('bench fetch against a local HTTP server', () => {
  it('downloads, verifies, extracts and records a zip dataset; a second fetch is a no-op', async () => {
    const root = join(tmp, 'data1');
    const r = await fetchDataset('toy-ubc', { dataDir: root, catalog: catalog(), progress: false });
    expect(r.skipped).toBe(false);
    const ds = loadUbcDataset(r.dir, { progress: false });
    expect(ds.patches.count).toBe(300);
    const m = readManifest(root);
    expect(m.datasets['toy-ubc']!.files[0]!.sha256).toBe(sha(files.get('/ubc.zip')!));
    expect(existsSync(join(root, '.downloads'))).toBe(false);
    expect(existsSync(join(r.dir, 'toy.zip'))).toBe(false);
    const again = await fetchDataset('toy-ubc', { dataDir: root, catalog: catalog(), progress: false });
    expect(again.skipped).toBe(true);
    expect(datasetStatus(root, catalog()).map((s) => [s.name, s.present])).toEqual([
      ['toy-ubc', true],
      ['toy-rop', false],
    ]);
  });

  it('resumes an interrupted transfer with a Range request; follows redirects; flattens tarball folders', async () => {
    const root = join(tmp, 'data2');
    cutOnce.add('/imgs.tar.gz');
    await expect(fetchDataset('toy-rop', { dataDir: root, catalog: catalog(), progress: false })).rejects.toThrow(/interrupted after \d+ bytes \(rerun to resume\)/);
    const part = join(root, '.downloads', 'toy-rop', 'jpg', 'imgs.tar.gz.part');
    expect(existsSync(part)).toBe(true);
    const have = readFileSync(part).length;
    expect(have).toBeGreaterThan(0);
    expect(have).toBeLessThan(files.get('/imgs.tar.gz')!.length);
    expect(existsSync(join(root, 'revisitop', 'toy'))).toBe(false);
    log.length = 0;
    const r = await fetchDataset('toy-rop', { dataDir: root, catalog: catalog(), progress: false });
    expect(log).toContainEqual({ path: '/imgs.tar.gz', range: `bytes=${have}-` });
    expect(readdirSync(join(r.dir, 'jpg')).sort()).toEqual(['a.jpg', 'b.jpg']);
    expect(readFileSync(join(r.dir, 'gnd_toy.pkl'), 'utf8')).toBe('not really a pickle, just bytes');
    expect(requireDataset(root, 'toy-rop', catalog())).toBe(r.dir);
  });

  it('refuses a checksum mismatch and leaves nothing behind', async () => {
    const root = join(tmp, 'data3');
    const bad = catalog({ ubc: '0'.repeat(64) });
    const err = await fetchDataset('toy-ubc', { dataDir: root, catalog: bad, progress: false }).catch((e: unknown) => e as Error);
    expect(isInputError(err)).toBe(true);
    expect((err as Error).message).toMatch(/sha256 [0-9a-f]{64}, expected 0{64}; the download was deleted/);
    expect(existsSync(join(root, 'phototour'))).toBe(false);
    expect(existsSync(join(root, '.downloads'))).toBe(false);
    expect(existsSync(join(root, 'manifest.json'))).toBe(false);
    const err2 = await fetchDataset('toy-rop', { dataDir: root, catalog: catalog({ md5: 'f'.repeat(32) }), progress: false }).catch((e: unknown) => e as Error);
    expect((err2 as Error).message).toMatch(/md5 .* expected f{32}/);
    expect(readdirSync(root)).toEqual([]);
  });

  it('a missing dataset names what is missing and the fetch command; the data root resolves flag > env > default', () => {
    const root = join(tmp, 'empty');
    const e = (() => {
      try {
        requireDataset(root, 'ubc-liberty');
      } catch (x) {
        return x as Error;
      }
      throw new Error('expected a throw');
    })();
    expect(e.message).toContain(join(root, 'phototour', 'liberty', 'info.txt'));
    expect(e.message).toContain(`pnpm bench fetch ubc-liberty --data-dir ${root}`);
    const old = process.env.DESCBENCH_DATA;
    process.env.DESCBENCH_DATA = '/x/env';
    expect(resolveDataRoot({ dataDir: '/x/flag' })).toBe('/x/flag');
    expect(resolveDataRoot()).toBe('/x/env');
    delete process.env.DESCBENCH_DATA;
    expect(resolveDataRoot()).toMatch(/descbench$/);
    if (old !== undefined) process.env.DESCBENCH_DATA = old;
  });
});

describe('bench fetch: an unreachable host or a failing server is an input error (one line, exit 2)', () => {
  it('a refused connection names the host and what to do', async () => {
    // a port nobody listens on: bind one, note it, close it
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const addr = probe.address();
    const port = typeof addr === 'object' && addr ? addr.port : 1;
    await new Promise<void>((r) => probe.close(() => r()));
    const e = await downloadFile(`http://127.0.0.1:${port}/x.zip`, join(tmp, 'unreachable', 'x.zip'), { progress: false }).catch((x: unknown) => x);
    expect(isInputError(e)).toBe(true);
    expect((e as Error).message).toMatch(new RegExp(`^cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) for http://.*; check the network connection`));
  });
  it('an HTTP error status names the status and the URL', async () => {
    const e = await downloadFile(`${base}/no-such-file.zip`, join(tmp, 'http404', 'x.zip'), { progress: false }).catch((x: unknown) => x);
    expect(isInputError(e)).toBe(true);
    expect((e as Error).message).toMatch(/HTTP 404 for http:.*no-such-file\.zip/);
  });
});
