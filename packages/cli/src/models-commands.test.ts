/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBmp8, encodePngGray, readNpy } from '@descbench/datasets';
import { bench } from './__fixtures__/run-bench';

const tmp = mkdtempSync(join(tmpdir(), 'descbench-models-cli-'));
const tile = join(tmp, 'patches0000.bmp');
const pixels = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7 + (i >> 10) * 13) & 255);
writeFileSync(tile, encodeBmp8({ width: 1024, height: 1024, pixels }));

describe('model commands', () => {
  test('doctor --json: backends, the auto choice and why, ONNX providers', async () => {
    const r = await bench('doctor', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.tfjs.backends.map((b: { backend: string }) => b.backend)).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu']);
    expect(j.tfjs.auto.backend).toBeDefined();
    expect(j.tfjs.auto.why).toMatch(/auto order/);
    expect(j.onnxruntime.providers).toEqual(expect.arrayContaining([{ name: 'cpu', bundled: true }]));
  });

  test('params --json: per-layer counts', async () => {
    const r = await bench('params', 'sosnet+soa35', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.rows.filter((x: { label: string }) => x.label.startsWith('SOA')).map((x: { params: number }) => x.params)).toEqual([4272, 33344]);
    expect(j.paper.map((c: { id: string }) => c.id)).toEqual(['solar-supp/table1', 'solar-supp/table2']);
  });

  test('params <model> prints the paper values for every model a paper states them for', async () => {
    const h = await bench('params', 'hynet');
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/solar-supp\/table2 .*\n[^]*\| layer6 \| +147456 \| +147756 \| .*audit: stated 147,756/);
    const t = await bench('params', 'tfeat');
    expect(t.out).toContain('no reference table in benchmarks/ prints parameter counts for tfeat');
  });

  test('describe writes a [N, 128] float32 .npy; bad names and inputs exit 2', async () => {
    const out = join(tmp, 'd.npy');
    const r = await bench('describe', '--model', 'l2net', '--input', tile, '--limit', '20', '--out', out, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ count: 20, dim: 128, runtime: 'onnx' });
    const a = readNpy(out);
    expect(a.shape).toEqual([20, 128]);
    expect((await bench('describe', '--model', 'hardnt', '--input', tile, '--out', out)).code).toBe(2);
    const bad = join(tmp, 'bad.png');
    writeFileSync(bad, encodePngGray({ width: 40, height: 40, pixels: new Uint8Array(1600) }));
    const e = await bench('describe', '--model', 'l2net', '--input', bad, '--out', out);
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/patch strip is 40 px wide/);
  });

  test('attention writes a PNG for a sosnet+soa* model', async () => {
    const patch = join(tmp, 'p.png');
    writeFileSync(patch, encodePngGray({ width: 32, height: 32, pixels: pixels.subarray(0, 1024) }));
    const r = await bench('attention', '--model', 'sosnet+soa35', '--input', patch, '--at', '5,9', '--out', join(tmp, 'a.png'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).blocks.map((b: { after: number; grid: number }) => [b.after, b.grid])).toEqual([
      [3, 16],
      [5, 8],
    ]);
  });
});
