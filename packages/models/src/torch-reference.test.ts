/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTfjsBackend } from './backends/tfjs';
import { OnnxDescriptor, TfjsDescriptor } from './descriptor';
import { modelSpec } from './registry';
import { randomStateDict } from './state-dict';
import { TfjsNet } from './tfjs-net';
import { REFERENCE_ARCHS, REFERENCE_BATCH, REFERENCE_SEED, referenceInputs } from '../test/torch-reference-setup';

/**
 * Side by side with PyTorch: `scripts/torch_reference.py` rebuilt each network from the published
 * definitions, loaded our seeded weights with strict=True (so key names and shapes match the
 * authors' layouts) and stored its eval-mode outputs in the fixture.
 */
const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'torch-reference.json'), 'utf8')) as {
  outputs: Record<string, number[][]>;
};

beforeAll(async () => {
  await useTfjsBackend('wasm');
});

describe.each(REFERENCE_ARCHS)('%s equals the PyTorch reference definition', (arch) => {
  test.each(['tfjs', 'onnx'] as const)('on %s to 1e-5', async (runtime) => {
    const spec = modelSpec(arch);
    const sd = randomStateDict(spec, REFERENCE_SEED, { mode: 'dense' });
    const m = runtime === 'tfjs' ? new TfjsDescriptor(arch, new TfjsNet(spec, sd)) : await OnnxDescriptor.create(arch, spec, sd);
    const out = await m.describe(referenceInputs(), REFERENCE_BATCH);
    m.dispose();
    const ref = fixture.outputs[arch]!;
    expect(ref).toHaveLength(REFERENCE_BATCH);
    let err = 0;
    ref.forEach((row, i) => row.forEach((v, j) => (err = Math.max(err, Math.abs(out[i * 128 + j]! - v)))));
    expect(err).toBeLessThan(1e-5);
  });
});
