/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench } from '../__fixtures__/run-bench';

const FX = join(__dirname, '..', '..', '..', 'runner', 'src', 'eval', '__fixtures__', 'hpatches');
const args = ['--descriptors', join(FX, 'descriptors'), '--tasks-dir', join(FX, 'tasks'), '--split', 'fx'];

describe('bench eval-hpatches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-eval-hpatches-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--json prints one JSON document with the three tasks (fractions)', async () => {
    const r = await bench('eval-hpatches', ...args, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.split).toBe('fx');
    for (const t of ['verification', 'matching', 'retrieval']) expect(j[t].mAP).toBeGreaterThan(0);
    expect(j.perCase).toBeUndefined();
  });
  it('prints the article summary table', async () => {
    const r = await bench('eval-hpatches', ...args, '--tasks', 'matching,retrieval', '--ap', 'matlab');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| task \| mAP \(%\) \| Easy \| Hard \| Tough \| detail \|/);
    expect(r.out).toMatch(/\| matching \| \d+\.\d\d \|/);
    expect(r.out).toMatch(/matlab AP/);
  });
  it('exits 2 with one line naming file and line on a ragged row', async () => {
    const d = join(dir, 'bad');
    cpSync(join(FX, 'descriptors'), d, { recursive: true });
    writeFileSync(join(d, 'v_fe', 'ref.csv'), '1,2,3,4,5,6,7,8\n1,2\n');
    const r = await bench('eval-hpatches', ...args.slice(2), '--descriptors', d, '--json');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/v_fe\/ref\.csv:2: ragged row/);
  });
  it('refuses an unknown task', async () => {
    const r = await bench('eval-hpatches', ...args, '--tasks', 'matchin');
    expect(r.code).toBe(2);
  });
});

describe('generate hpatches -> describe --format hpatches-npy -> eval-hpatches (no ../shared needed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-hpatches-gen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('runs end to end on generated data with seeded random TFeat weights', async () => {
    let r = await bench('generate', 'hpatches', '--out', join(dir, 'gen'), '--sequences', '4', '--patches', '12', '--json');
    expect(r.code).toBe(0);
    const release = join(dir, 'gen', 'hpatches-release');
    r = await bench('describe', '--model', 'tfeat', '--seed', '3', '--format', 'hpatches-npy', '--input', release, '--out', join(dir, 'descr'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).described).toHaveLength(4);
    r = await bench('eval-hpatches', '--descriptors', join(dir, 'descr'), '--tasks-dir', join(dir, 'gen', 'tasks'), '--split', 'a', '--drawn-pairs', '500', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.verification.pairs).toBe('drawn');
    expect(j.verification.positives).toBe(500);
    for (const t of ['verification', 'matching', 'retrieval']) expect(j[t].mAP).toBeGreaterThan(0);
  });
});
