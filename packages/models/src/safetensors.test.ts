import { decodeSafetensors, encodeSafetensors } from './safetensors';

describe('safetensors', () => {
  const sd = new Map([
    ['features.0.weight', { shape: [2, 1, 1, 2], data: new Float32Array([1, -2.5, 3, 1e-7]) }],
    ['features.1.running_var', { shape: [2], data: new Float32Array([0.5, 2]) }],
  ]);

  test('round trip with metadata; header aligned to 8 bytes', () => {
    const buf = encodeSafetensors(sd, { epoch: '3' });
    expect((8 + Number(buf.readBigUInt64LE(0))) % 8).toBe(0);
    const back = decodeSafetensors(buf);
    expect(back.metadata).toEqual({ epoch: '3' });
    expect([...back.tensors.keys()]).toEqual([...sd.keys()]);
    expect(back.tensors.get('features.0.weight')).toEqual(sd.get('features.0.weight'));
  });

  test('reads F16 and F64 tensors as float32', () => {
    const header = JSON.stringify({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, d: { dtype: 'F64', shape: [1], data_offsets: [4, 12] } });
    const head = Buffer.from(header);
    const buf = Buffer.alloc(8 + head.length + 12);
    buf.writeBigUInt64LE(BigInt(head.length));
    head.copy(buf, 8);
    buf.writeUInt16LE(0x3c00, 8 + head.length); // 1.0
    buf.writeUInt16LE(0xc000, 10 + head.length); // -2.0
    buf.writeDoubleLE(0.1, 12 + head.length);
    const t = decodeSafetensors(buf).tensors;
    expect(Array.from(t.get('h')!.data)).toEqual([1, -2]);
    expect(t.get('d')!.data[0]).toBeCloseTo(0.1, 7);
  });

  test.each([
    ['a truncated file', (b: Buffer) => b.subarray(0, b.length - 3), /data_offsets .* fall outside .* \(truncated file\?\)/],
    ['a header length past the end', (b: Buffer) => (b.writeBigUInt64LE(99999n), b), /header length 99999 runs past the end/],
    ['a short file', () => Buffer.alloc(4), /shorter than its 8-byte header/],
  ])('refuses %s', (_w, mutate, msg) => {
    expect(() => decodeSafetensors(mutate(Buffer.from(encodeSafetensors(sd))), 'ckpt.safetensors')).toThrow(msg);
  });
});
