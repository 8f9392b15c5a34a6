/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodePickle, readRevisitopGnd } from '@descbench/datasets';
import { loadRevisitopFeatures } from '@descbench/runner';
import { bench } from '../__fixtures__/run-bench';

/** The runner's fixture: 6 JPEGs + 2 queries in revisitop's layout, a torch.onnx tiny backbone. */
const FX = join(__dirname, '..', '..', '..', 'runner', 'src', 'retrieval', '__fixtures__', 'image-extract');
const BACKBONE = join(FX, 'backbone.onnx');
const BIN = resolve(__dirname, '..', '..', 'dist', 'bin.js');

function copyData(): string {
  const root = mkdtempSync(join(tmpdir(), 'descbench-extract-global-'));
  cpSync(join(FX, 'revisitop'), join(root, 'revisitop'), { recursive: true });
  return root;
}

describe('bench extract-global', () => {
  test('writes <data root>/revisitop/<name>/features/<type>.pkl in the layout bench roxf reads', async () => {
    const root = copyData();
    const r = await bench('extract-global', 'roxford5k', '--backbone', BACKBONE, '--pooling', 'gem', '--scales', 'ms', '--imsize', '48', '--type', 'r-gem-o', '--data-dir', root, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { out: string[]; dim: number; db: number; queries: number };
    expect(out).toMatchObject({ dim: 8, db: 6, queries: 2, out: [join(root, 'revisitop', 'roxford5k', 'features', 'r-gem-o.pkl')] });
    // read as the retrieval kind of bench roxf reads <features dir>/<type>.pkl (6 images: too few for its alpha-QE, n = 10)
    const f = loadRevisitopFeatures({ kind: 'pickle', file: out.out[0]! }, readRevisitopGnd(join(root, 'revisitop', 'roxford5k', 'gnd_roxford5k.pkl')));
    expect([f.db.count, f.db.dim, f.queries.count, f.queries.dim]).toEqual([6, 8, 2, 8]);
  }, 60000);

  test.each([
    ['a missing image', (root: string) => rmSync(join(root, 'revisitop', 'roxford5k', 'jpg', 'img_05.jpg')), ['--backbone', BACKBONE], /img_05\.jpg: missing image img_05\.jpg of imlist\[5\]/],
    ['an undecodable image', (root: string) => writeFileSync(join(root, 'revisitop', 'roxford5k', 'jpg', 'img_01.jpg'), 'GIF89a'), ['--backbone', BACKBONE], /img_01\.jpg: not a readable JPEG/],
    ['a missing backbone', () => undefined, ['--backbone', '/nonexistent/m.onnx'], /\/nonexistent\/m\.onnx, --backbone: missing ONNX backbone/],
    ['a file that is no ONNX model', (root: string) => writeFileSync(join(root, 'bad.onnx'), 'nope'), ['--backbone', 'ROOT/bad.onnx'], /bad\.onnx: not a loadable ONNX model/],
    ['a gnd whose gnd list does not match qimlist', (root: string) => writeFileSync(join(root, 'revisitop', 'roxford5k', 'gnd_roxford5k.pkl'), encodePickle({ imlist: ['img_00'], qimlist: ['img_00', 'img_01'], gnd: [] })), ['--backbone', BACKBONE], /gnd_roxford5k\.pkl: "gnd" has 0 entries but "qimlist" has 2/],
    ['bad scales', () => undefined, ['--backbone', BACKBONE, '--scales', '1,x'], /--scales: scales must be numbers in \(0, 1\]/],
  ] as const)('%s: one line on stderr, exit 2, no output written', async (_what, prepare, args, message) => {
    const root = copyData();
    prepare(root);
    const out = join(root, 'out', 'f.pkl');
    const r = await bench('extract-global', 'roxford5k', ...args.map((s) => s.replace('ROOT', root)), '--out', out, '--imsize', '48', '--data-dir', root);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    // one error line (progress lines of the images described before it aside)
    expect(r.err.trim().split('\n').filter((l) => !/^roxford5k gem: \d+\/\d+ /.test(l))).toHaveLength(1);
    expect(r.out).toBe('');
    expect(existsSync(out)).toBe(false);
    // only the resumable journal may be there (an image that fails after others were described)
    expect((existsSync(join(root, 'out')) ? readdirSync(join(root, 'out')) : []).filter((f) => !f.startsWith('f.pkl.partial.'))).toEqual([]);
  });

  test('a backbone with the wrong input (1 channel) is refused before any image is read', async () => {
    const root = copyData();
    const out = join(root, 'out', 'f.pkl');
    const r = await bench('extract-global', 'roxford5k', '--backbone', join(FX, 'backbone-1ch.onnx'), '--out', out, '--data-dir', root);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/backbone-1ch\.onnx: the backbone must take one float32 image \[1, 3, H, W\] \(H and W free\) and output a feature map \[1, C, h, w\]; a 64 x 64 probe failed: /);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  test('a run killed with SIGKILL resumes from its journal and writes what an uninterrupted run writes', async () => {
    // 200 database images (the fixture's JPEGs repeated) so that the kill lands mid-run
    const root = mkdtempSync(join(tmpdir(), 'descbench-extract-kill-'));
    const dir = join(root, 'revisitop', 'roxford5k');
    mkdirSync(join(dir, 'jpg'), { recursive: true });
    const imlist = Array.from({ length: 200 }, (_, i) => `im${i}`);
    imlist.forEach((n, i) => copyFileSync(join(FX, 'revisitop', 'roxford5k', 'jpg', `img_0${i % 6}.jpg`), join(dir, 'jpg', `${n}.jpg`)));
    writeFileSync(join(dir, 'gnd_roxford5k.pkl'), encodePickle({ imlist, qimlist: ['im2'], gnd: [{ bbx: [20.4, 10.5, 180.6, 100.2], easy: [0], hard: [], junk: [] }] }));
    const args = ['extract-global', 'roxford5k', '--backbone', BACKBONE, '--pooling', 'rmac', '--scales', 'ms', '--data-dir', root];
    const killed = join(root, 'killed.pkl');
    const proc = spawn(process.execPath, [BIN, ...args, '--out', killed], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    const journal = `${killed}.partial.bin`;
    const record = 4 + 4 * 8;
    for (let t = 0; t < 3000 && !(existsSync(journal) && statSync(journal).size >= 3 * record); t++) await new Promise((r) => setTimeout(r, 10));
    proc.kill('SIGKILL');
    expect(await exited).toBeNull();
    expect(existsSync(killed)).toBe(false);
    const done = Math.floor(statSync(journal).size / record);
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(201);
    const resumed = await bench(...args, '--out', killed, '--json');
    expect(resumed.code).toBe(0);
    expect((JSON.parse(resumed.out) as { resumed: number }).resumed).toBe(done);
    const fresh = join(root, 'fresh.pkl');
    expect((await bench(...args, '--out', fresh, '--json')).code).toBe(0);
    expect(readFileSync(killed).equals(readFileSync(fresh))).toBe(true);
    expect(existsSync(journal)).toBe(false);
  }, 60000);
});
