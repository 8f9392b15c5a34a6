/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench } from '../__fixtures__/run-bench';

describe('bench replay / bench ubc', () => {
  test('a table without a registered kind: one line naming the replayable tables, exit 2', async () => {
    const r = await bench('replay', 'hynet/table2');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/hynet\/table2 has no replay here; replayable tables: hynet\/table1, solar-supp\/table1, csa-supp\/table1/);
  });

  test('bad kind options and rows are one line and exit 2', async () => {
    expect((await bench('replay', 'hynet/table1', '--set', 'nonsense')).err).toMatch(/--set: expected key=value/);
    const r = await bench('ubc', '--table', 'hynet/table1', '--rows', 'l2-net', '--data', 'synthetic', '--data-dir', mkdtempSync(join(tmpdir(), 'descbench-d-')));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/row "l2-net" does not replay here/);
  });

  test('bench replay hynet/table1 --rows sift at --profile tiny prints the table beside the paper with the generated-data line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'descbench-replay-'));
    const r = await bench('replay', 'hynet/table1', '--rows', 'sift', '--profile', 'tiny', '--data', 'synthetic', '--data-dir', join(dir, 'data'), '--results-dir', join(dir, 'results'), '--backend', 'wasm', '--set', 'patches=256');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| SIFT \[23\] +\| \d+\.\d\d \(paper 29\.84\)/);
    expect(r.out).toContain('generated data: the paper numbers are for the real datasets, so the verdicts only show the pipeline runs end to end');
    expect(r.out).toMatch(/results: .*results_.*\.csv/);
  });
});
