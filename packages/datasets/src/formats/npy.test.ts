import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@descbench/core';
import { encodeNpy, floatToHalf, halfToFloat, npyToCOrder, npyToFloat64, npyToInt32, parseNpy, readNpy, writeNpy } from './npy';

// Written once with numpy 2.4 `numpy.lib.format.write_array(..., version=...)` at authoring time.
const NPY: Record<string, string> = {
  f4_c_v1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAQwAAAQEAAAIBAAACgQAAAxEA=',
  f8_f_v2: 'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IFRydWUsICdzaGFwZSc6ICgyLCAzKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAABBAAAAAAAAAAEAAAAAAAAAUQAAAAAAAAAhAAAAAAAAAGEA=',
  f2_v3: 'k05VTVBZAwB0AAAAeydkZXNjcic6ICc8ZjInLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoNSwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAOAC8/3sBAAB8',
  i4_v1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA/////////38AAACA',
  i8_f_v1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMywgNCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr7////////////////////AwAAAAAAAAD8/////////wAAAAAAAAAABAAAAAAAAAD9/////////wEAAAAAAAAABQAAAAAAAAD+/////////wIAAAAAAAAABgAAAAAAAAA=',
  u1_3d_v1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMsIDQpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhc=',
  be_f8_v1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/8AAAAAAAAMAAAAAAAAAA',
  scalar_f8_v1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAMQA==',
  c16_v1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGMxNicsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgxLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABA',
};
const bytes = (k: string): Uint8Array => new Uint8Array(Buffer.from(NPY[k] as string, 'base64'));

describe('npy reader', () => {
  it('float32, C order, v1', () => {
    const a = parseNpy(bytes('f4_c_v1'));
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2, 3]);
    expect(a.fortranOrder).toBe(false);
    expect(Array.from(a.data as Float32Array)).toEqual([1.5, -2.25, 3, 4, 5, 6.125]);
  });
  it('float64, Fortran order, v2 -> C order', () => {
    const a = parseNpy(bytes('f8_f_v2'));
    expect(a.fortranOrder).toBe(true);
    expect(Array.from(a.data as Float64Array)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(npyToCOrder(a).data as Float64Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('float16 v3 decodes to float32 values', () => {
    const a = parseNpy(bytes('f2_v3'));
    expect(a.dtype).toBe('float16');
    const v = Array.from(a.data as Float32Array);
    expect(v.slice(0, 3)).toEqual([0.5, -1, 65504]);
    expect(v[3]).toBeCloseTo(5.960464477539063e-8, 20);
    expect(v[4]).toBe(Infinity);
  });
  it('int32 and Fortran int64 (to Int32, C order)', () => {
    expect(Array.from(parseNpy(bytes('i4_v1')).data as Int32Array)).toEqual([0, -1, 2147483647, -2147483648]);
    const a = parseNpy(bytes('i8_f_v1'));
    expect(a.dtype).toBe('int64');
    expect(a.shape).toEqual([3, 4]);
    expect(Array.from(npyToInt32(a, 'ranks'))).toEqual(Array.from({ length: 12 }, (_, i) => i - 5));
    expect(Array.from(npyToFloat64(a)).slice(0, 3)).toEqual([-5, -4, -3]);
  });
  it('uint8 3-d, big-endian float64, 0-d scalar', () => {
    const u = parseNpy(bytes('u1_3d_v1'));
    expect(u.shape).toEqual([2, 3, 4]);
    expect((u.data as Uint8Array)[23]).toBe(23);
    expect(Array.from(parseNpy(bytes('be_f8_v1')).data as Float64Array)).toEqual([1, -2]);
    const s = parseNpy(bytes('scalar_f8_v1'));
    expect(s.shape).toEqual([]);
    expect(Array.from(s.data as Float64Array)).toEqual([3.5]);
  });
  it('refuses unsupported dtypes, bad magic, bad versions, truncation and size mismatch', () => {
    expect(() => parseNpy(bytes('c16_v1'), 'x.npy')).toThrow(/unsupported numpy dtype "<c16"/);
    expect(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'x.npy')).toThrow(/x.npy, byte 0: not a .npy file/);
    const v9 = bytes('i4_v1');
    v9[6] = 9;
    expect(() => parseNpy(v9)).toThrow(/version 9.0/);
    const b = bytes('f4_c_v1');
    expect(() => parseNpy(b.subarray(0, b.length - 1), 't.npy')).toThrow(/needs 24 bytes, the file has 23/);
    expect(() => parseNpy(b.subarray(0, 40))).toThrow(/truncated .npy header/);
    expect(() => parseNpy(b.subarray(0, 40))).toThrow(InputError);
    const bad = Buffer.from(b);
    bad.write("'shape': (2, x)", bad.indexOf("'shape'"), 'latin1');
    expect(() => parseNpy(new Uint8Array(bad))).toThrow(/malformed .npy header/);
  });
});

describe('npy writer', () => {
  it('round-trips each dtype, C and Fortran order; the layout is numpy-compatible', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npy-'));
    try {
      const cases = [
        { data: Float32Array.from([1.5, -2, 3, 4]), shape: [2, 2] },
        { data: Float64Array.from([1, 2, 3]), shape: [3] },
        { data: Int32Array.from([1, -2, 3, 4, 5, 6]), shape: [2, 3], fortranOrder: true },
        { data: BigInt64Array.from([1n, -2n]), shape: [2, 1] },
        { data: Uint8Array.from([0, 255]), shape: [2] },
      ];
      for (const c of cases) {
        const p = join(dir, 'a.npy');
        writeNpy(p, c);
        const r = readNpy(p);
        expect(r.shape).toEqual(c.shape);
        expect(r.fortranOrder).toBe(c.fortranOrder ?? false);
        expect(Array.from(r.data as ArrayLike<number>)).toEqual(Array.from(c.data as ArrayLike<number>));
        const raw = readFileSync(p);
        const headerLen = raw.readUInt16LE(8);
        expect((10 + headerLen) % 64).toBe(0);
        expect(raw[10 + headerLen - 1]).toBe(0x0a);
      }
      // identical bytes to numpy's own file for the same array
      const f4 = parseNpy(bytes('f4_c_v1'));
      expect(Buffer.from(encodeNpy({ data: f4.data, shape: f4.shape }))).toEqual(Buffer.from(bytes('f4_c_v1')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('float16 rounding matches numpy astype(float16)', () => {
    const vals = Float32Array.from([0.1, 1 / 3, 65519.0, 65520.0, 1e-8, 2.98e-8, -3.0000001, 0.0001]);
    expect(Array.from(vals, (v) => floatToHalf(v))).toEqual([11878, 13653, 31743, 31744, 0, 0, 49664, 1678]);
    const enc = parseNpy(encodeNpy({ data: vals, shape: [8], dtype: 'float16' }));
    expect(enc.dtype).toBe('float16');
    expect((enc.data as Float32Array)[0]).toBe(halfToFloat(11878));
  });
  it('refuses a shape that does not match the data', () => {
    expect(() => encodeNpy({ data: new Float32Array(5), shape: [2, 3] })).toThrow(InputError);
  });
});
