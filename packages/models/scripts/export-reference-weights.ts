/**
 * Writes the seeded dense-random state dict of each zoo network, plus seeded input patches, to
 * `<out>/<arch>.safetensors`, for `torch_reference.py` to run the reference PyTorch definitions on.
 * Run from the repository root: `npx tsx packages/models/scripts/export-reference-weights.ts /tmp/ref`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { modelSpec, randomStateDict } from '../src';
import { writeSafetensors } from '../src/safetensors';
import { GRAD_ARCHS, GRAD_BATCH, REFERENCE_ARCHS, REFERENCE_BATCH, REFERENCE_SEED, gradInputs, referenceInputs } from '../test/torch-reference-setup';

const out = process.argv[2] ?? '/tmp/descbench-torch-reference';
mkdirSync(out, { recursive: true });
for (const arch of new Set([...REFERENCE_ARCHS, ...GRAD_ARCHS])) {
  const sd = randomStateDict(modelSpec(arch), REFERENCE_SEED, { mode: 'dense' });
  sd.set('__input__', { shape: [REFERENCE_BATCH, 1, 32, 32], data: referenceInputs() });
  sd.set('__grad_input__', { shape: [GRAD_BATCH, 1, 32, 32], data: gradInputs() });
  writeSafetensors(join(out, `${arch}.safetensors`), sd);
}
process.stderr.write(`wrote the reference files to ${out}\n`);
