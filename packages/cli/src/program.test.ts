import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoCsv, demoSpec, writeBenchmarks } from '../../runner/src/__fixtures__/write-table';
import { bench } from './__fixtures__/run-bench';

describe('bench CLI on a generated benchmarks/ folder', () => {
  const root = writeBenchmarks([{ id: 'demo/table1', spec: demoSpec, csv: demoCsv }]);
  beforeAll(() => {
    process.env.DESCBENCH_BENCHMARKS = root;
  });
  afterAll(() => {
    delete process.env.DESCBENCH_BENCHMARKS;
  });

  test('list --json prints one JSON array on stdout and nothing else', async () => {
    const r = await bench('list', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out);
    expect(rows).toEqual([expect.objectContaining({ id: 'demo/table1', document: 'demo.txt', metric: 'fpr95', seeds: 3, datasets: [] })]);
  });

  test('show prints the table; --format csv is the reference CSV', async () => {
    expect((await bench('show', 'demo/table1')).out).toContain('1.00 ± 0.10');
    expect((await bench('show', 'demo/table1', '--format', 'csv')).out).toBe(demoCsv);
  });

  test('audit --json: an empty array for a consistent table; --strict exits 1 on findings', async () => {
    const r = await bench('audit', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([]);
    const inconsistent = writeBenchmarks([{ id: 'demo/table1', spec: demoSpec, csv: demoCsv.replace(',1.50', ',1.60') }]);
    process.env.DESCBENCH_BENCHMARKS = inconsistent;
    try {
      const f = await bench('audit', '--strict');
      expect(f.code).toBe(1);
      expect(f.out).toContain('stated mean 1.60, but the mean of the 2 printed cells is 1.5');
      expect(f.out).toContain('1 finding(s) from 2 check(s) over 1 table(s)');
      expect((await bench('audit')).code).toBe(0);
    } finally {
      process.env.DESCBENCH_BENCHMARKS = root;
    }
  });

  test('compare: 0 for the reference itself, 1 for a copy with one cell made worse, 2 for bad input', async () => {
    const same = join(root, 'same.csv');
    writeFileSync(same, demoCsv);
    expect((await bench('compare', same, '--reference', 'demo/table1')).code).toBe(0);
    const worse = join(root, 'worse.csv');
    writeFileSync(worse, demoCsv.replace('y,Y,200,3.00', 'y,Y,200,3.50'));
    const w = await bench('compare', worse, '--reference', 'demo/table1', '--json');
    expect(w.code).toBe(1);
    expect(JSON.parse(w.out).summary.worse).toBe(1);
    const bad = join(root, 'bad.csv');
    writeFileSync(bad, 'row,a_fpr95_pct\nx,1.0x\n');
    const b = await bench('compare', bad, '--reference', 'demo/table1');
    expect(b.code).toBe(2);
    expect(b.err).toBe(`bench: ${bad}:2, row "x", column "a_fpr95_pct": expected a number or an empty cell, got "1.0x"\n`);
    expect((await bench('compare', join(root, 'missing.csv'), '--reference', 'demo/table1')).code).toBe(2);
    const unknown = await bench('show', 'demo/nope');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown table "demo/nope"');
  });

  test('unknown commands and options are usage errors (exit 2)', async () => {
    expect((await bench('frobnicate')).code).toBe(2);
    expect((await bench('list', '--nope')).code).toBe(2);
  });

  test('an unknown command says so and names the nearest commands', async () => {
    const r = await bench('lst');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^bench: unknown command "lst"; the nearest are list, [a-z-]+, [a-z-]+ \(bench --help lists them all\)\n$/);
    const far = await bench('zzzzqqq', '--json');
    expect(far.code).toBe(2);
    expect(far.err).toMatch(/^bench: unknown command "zzzzqqq"; the nearest are [a-z-]+, [a-z-]+, [a-z-]+ /);
    expect(far.out).toBe('');
  });

  test('list with a filter that matches nothing is bad input (exit 2), not an empty table', async () => {
    const r = await bench('list', 'nothing*');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('bench: no table or figure id matches "nothing*"; ids look like hynet/table1 or solar-supp/*, and `bench list` shows them all\n');
  });

  test('compare on a folder is one line of bad input, no stack trace', async () => {
    const r = await bench('compare', root, '--reference', 'demo/table1');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toBe(`bench: ${root}: is a folder; expected a results CSV in the reference layout\n`);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('bench CLI: models without weights, outputs that cannot be written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-fresh-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('describe --out into a folder that cannot be created fails at once (exit 2)', async () => {
    const t0 = Date.now();
    const r = await bench('describe', '--model', 'hardnet', '--input', join(dir, 'none.bmp'), '--out', '/proc/descbench-x/d.npy');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^bench: \/proc\/descbench-x: cannot create the folder/);
    expect(Date.now() - t0).toBeLessThan(20000);
  });

  test('describe without --weights announces random weights on stderr first', async () => {
    const r = await bench('describe', '--model', 'hardnet', '--input', join(dir, 'none.bmp'), '--out', join(dir, 'd.npy'), '--json');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const lines = r.err.trim().split('\n');
    expect(lines[0]).toBe('warning: no --weights: hardnet runs with seeded random weights (seed 0), so the descriptors are those of an untrained network');
    expect(lines[lines.length - 1]).toMatch(/none\.bmp: input does not exist/);
  });

  test('attention without --weights says so before looking at the patch', async () => {
    writeFileSync(join(dir, 'not-a-patch.png'), 'x');
    const r = await bench('attention', '--input', join(dir, 'not-a-patch.png'), '--at', '1,1', '--out', join(dir, 'a.png'));
    expect(r.code).toBe(2);
    const lines = r.err.trim().split('\n');
    expect(lines[0]).toMatch(/^warning: no --weights: sosnet\+soa345 runs with seeded random weights .*attention maps \(not SOLAR Fig\. 1\)/);
    expect(lines).toHaveLength(2);
  });

  test('with --weights nothing is announced', async () => {
    const r = await bench('describe', '--model', 'hardnet', '--weights', join(dir, 'w.pth'), '--input', join(dir, 'none.bmp'), '--out', join(dir, 'd.npy'));
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/random weights/);
  });
});
