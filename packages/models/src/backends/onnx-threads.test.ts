/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { createModel } from '../registry';

// `--jobs` pool processes describe with one thread, or more once a table's last cells leave cores
// idle; an inline run with onnxruntime's default (every core). Replays are the same byte for byte
// only if the descriptors are.
test('onnxruntime descriptors are the same bytes at 1, 2 and 3 intra-op threads', async () => {
  const n = 48;
  const x = new Float32Array(n * 32 * 32);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  for (const name of ['sosnet+soa345', 'hynet']) {
    const bytes: Buffer[] = [];
    for (const threads of [1, 2, 3]) {
      const d = await createModel(name, { seed: 3, threads });
      expect(d.runtime).toBe('onnx');
      bytes.push(Buffer.from((await d.describe(x, n)).buffer));
      d.dispose();
    }
    expect(bytes[1]?.equals(bytes[0] as Buffer)).toBe(true);
    expect(bytes[2]?.equals(bytes[0] as Buffer)).toBe(true);
  }
});
