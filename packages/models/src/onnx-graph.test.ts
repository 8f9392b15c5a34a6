/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { SeededRng } from '@descbench/core';
import { useTfjsBackend } from './backends/tfjs';
import { OnnxDescriptor, TfjsDescriptor } from './descriptor';
import { modelSpec } from './registry';
import { randomStateDict } from './state-dict';
import { TfjsNet } from './tfjs-net';

beforeAll(async () => {
  await useTfjsBackend('wasm');
});

// Every distinct layer type: TFeat (tanh, maxpool, linear), L2-Net variants (both L2 forms,
// patch standardisation), SOA after every layer 3..6, HyNet (FRN, TLU).
const ARCHS = ['tfeat', 'l2net', 'hardnet', 'sosnet', 'sosnet+', 'sosnet+soa3456', 'hynet', 'hynet-bn', 'hynet-in'];

describe.each(ARCHS)('ONNX graph of %s', (arch) => {
  test('equals the tfjs model to 1e-5 (dense random weights)', async () => {
    const spec = modelSpec(arch);
    const sd = randomStateDict(spec, 11, { mode: 'dense' });
    const tfjs = new TfjsDescriptor(arch, new TfjsNet(spec, sd));
    const onnx = await OnnxDescriptor.create(arch, spec, sd);
    const r = new SeededRng(5);
    const x = Float32Array.from({ length: 4 * 32 * 32 }, () => r.float());
    const a = await tfjs.describe(x, 4);
    const b = await onnx.describe(x, 4);
    let err = 0;
    for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i]! - b[i]!));
    expect(err).toBeLessThan(1e-5);
    // the outputs are not trivially equal (e.g. all zero)
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(1e-3);
    tfjs.dispose();
    onnx.dispose();
  });
});
