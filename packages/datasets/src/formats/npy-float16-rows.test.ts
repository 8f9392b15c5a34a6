import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, SeededRng, float16Table, toFloat16Array } from '@descbench/core';
import { encodeNpy } from './npy';
import { readNpyFloat16Rows, type Float16Rows } from './npy-float16-rows';

const N = 37;
const D = 12;
const rng = new SeededRng(5);
const X = Float32Array.from({ length: N * D }, () => rng.normal() * 3); // [N, D]
const XT = Float32Array.from({ length: N * D }, (_, e) => X[(e % N) * D + Math.floor(e / N)]!); // [D, N]

function joined(r: Float16Rows): Uint16Array {
  const out = new Uint16Array(r.count * r.dim);
  let o = 0;
  for (const b of r.blocks) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/** The same array as a big-endian .npy ('<f4' -> '>f4', every element's bytes reversed). */
function bigEndian(le: Uint8Array, size: number): Uint8Array {
  const out = Uint8Array.from(le);
  const text = Buffer.from(out).toString('latin1');
  const at = text.indexOf(`'<f${size}'`);
  out[at + 1] = '>'.charCodeAt(0);
  const start = text.indexOf('\n') + 1;
  for (let b = start; b < out.length; b += size) out.subarray(b, b + size).reverse();
  return out;
}

function normalisedF16(): Uint16Array {
  const out = new Float64Array(N * D);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += X[i * D + d]! ** 2;
    for (let d = 0; d < D; d++) out[i * D + d] = X[i * D + d]! / Math.sqrt(s);
  }
  return toFloat16Array(out);
}

describe('readNpyFloat16Rows (streamed .npy -> float16 rows)', () => {
  let dir: string;
  const write = (name: string, bytes: Uint8Array): string => {
    const f = join(dir, name);
    fs.writeFileSync(f, bytes);
    return f;
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'npy-f16-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('[N, D] and [D, N], C and Fortran order, float32 / float16 / float64, in small chunks and blocks', () => {
    const want = toFloat16Array(X);
    const cases: [string, Uint8Array, 'rows' | 'columns'][] = [
      ['rows-f4.npy', encodeNpy({ data: X, shape: [N, D] }), 'rows'],
      ['cols-f4.npy', encodeNpy({ data: XT, shape: [D, N] }), 'columns'],
      ['rows-fortran-f4.npy', encodeNpy({ data: XT, shape: [N, D], fortranOrder: true }), 'rows'],
      ['cols-fortran-f4.npy', encodeNpy({ data: X, shape: [D, N], fortranOrder: true }), 'columns'],
      ['rows-f2.npy', encodeNpy({ data: X, shape: [N, D], dtype: 'float16' }), 'rows'],
      ['cols-f8.npy', encodeNpy({ data: Float64Array.from(XT), shape: [D, N] }), 'columns'],
      ['rows-be-f4.npy', bigEndian(encodeNpy({ data: X, shape: [N, D] }), 4), 'rows'],
      ['cols-be-f2.npy', bigEndian(encodeNpy({ data: XT, shape: [D, N], dtype: 'float16' }), 2), 'columns'],
    ];
    for (const [name, bytes, layout] of cases) {
      const f = write(name, bytes);
      for (const o of [{}, { chunkBytes: 100, blockRows: 5 }, { chunkBytes: 1, blockRows: 1 }]) {
        const r = readNpyFloat16Rows(f, { layout, count: N, dim: D, ...o });
        expect([r.count, r.dim]).toEqual([N, D]);
        if ('blockRows' in o) expect(r.blocks.length).toBe(Math.ceil(N / o.blockRows));
        expect(joined(r)).toEqual(want);
      }
    }
  });

  it('normalize: each descriptor L2-normalised before rounding, in both layouts', () => {
    const want = normalisedF16();
    const rows = readNpyFloat16Rows(write('n-rows.npy', encodeNpy({ data: X, shape: [N, D] })), { normalize: true, chunkBytes: 64 });
    const cols = readNpyFloat16Rows(write('n-cols.npy', encodeNpy({ data: XT, shape: [D, N] })), { layout: 'columns', normalize: true, chunkBytes: 64 });
    expect(joined(rows)).toEqual(want);
    expect(joined(cols)).toEqual(want);
    const t = float16Table();
    let s = 0;
    for (let d = 0; d < D; d++) s += t[joined(rows)[3 * D + d]!]! ** 2;
    expect(s).toBeCloseTo(1, 2);
  });

  it('reads in chunks: no read larger than chunkBytes, never the whole file', () => {
    const f = write('big.npy', encodeNpy({ data: X, shape: [N, D] }));
    const size = fs.statSync(f).size;
    const spy = jest.spyOn(fs, 'readSync');
    const readFile = jest.spyOn(fs, 'readFileSync');
    try {
      readNpyFloat16Rows(f, { chunkBytes: 4 * D * 3 });
      const lengths = spy.mock.calls.map((c) => c[3] as number);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(4 * D * 3);
      expect(size).toBeGreaterThan(10 * 4 * D * 3);
      expect(lengths.length).toBeGreaterThan(10);
      expect(readFile).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
      readFile.mockRestore();
    }
  });

  it('bad input: truncated, over-long, wrong D or N, NaN rows, wrong dtype, not 2-D, missing file', () => {
    const good = encodeNpy({ data: X, shape: [N, D] });
    const expectErr = (f: string, re: RegExp, o = {}): void => {
      let err: unknown;
      try {
        readNpyFloat16Rows(f, o);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toContain(f);
      expect((err as Error).message).toMatch(re);
    };
    expectErr(write('trunc.npy', good.subarray(0, good.length - 5)), /truncated \.npy: shape \(37, 12\) of <f4 needs 1776 data bytes, the file has 1771/);
    expectErr(write('long.npy', Uint8Array.from([...good, 0, 0, 0, 0])), /over-long/);
    expectErr(write('trunc-header.npy', good.subarray(0, 40)), /truncated \.npy header/);
    expectErr(write('ok.npy', good), /descriptor dimension 12, expected 2048/, { dim: 2048 });
    expectErr(join(dir, 'ok.npy'), /37 descriptors, expected 12 \(the other axis matches: use layout columns\)/, { count: 12 });
    const nan = Float32Array.from(X);
    nan[5 * D + 7] = NaN;
    expectErr(write('nan.npy', encodeNpy({ data: nan, shape: [N, D] })), /non-finite value NaN at descriptor 5, component 7/);
    const infHalf = Float32Array.from(X);
    infHalf[2 * D + 3] = Infinity;
    expectErr(write('inf-f2.npy', encodeNpy({ data: infHalf, shape: [N, D], dtype: 'float16' })), /non-finite value Infinity at descriptor 2, component 3/);
    const nanT = Float32Array.from(XT);
    nanT[7 * N + 5] = Infinity;
    expectErr(write('inf-cols.npy', encodeNpy({ data: nanT, shape: [D, N] })), /non-finite value Infinity at descriptor 5, component 7/, { layout: 'columns', normalize: true });
    expectErr(write('int.npy', encodeNpy({ data: new Int32Array(N * D), shape: [N, D] })), /global features must be float16\/32\/64, got int32/);
    expectErr(write('1d.npy', encodeNpy({ data: X, shape: [N * D] })), /2-D array, got shape \[444\]/);
    const huge = Float32Array.from(X);
    huge[0] = 1e6;
    expectErr(write('huge.npy', encodeNpy({ data: huge, shape: [N, D] })), /value 1000000 at descriptor 0, component 0 exceeds float16's range/);
    expect(readNpyFloat16Rows(join(dir, 'huge.npy'), { normalize: true }).count).toBe(N);
    expectErr(join(dir, 'missing.npy'), /cannot read/);
  });
});
