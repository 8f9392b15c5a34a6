import { SeededRng } from '@descbench/core';

/** Networks checked against the reference PyTorch definitions (`scripts/torch_reference.py`). */
export const REFERENCE_ARCHS = ['tfeat', 'l2net', 'hardnet', 'sosnet', 'sosnet+soa345', 'sosnet+soa6', 'hynet', 'hynet-bn', 'hynet-in'];
export const REFERENCE_SEED = 20;
export const REFERENCE_BATCH = 3;

/** Seeded input patches `[3, 1, 32, 32]` in [0, 1). */
export function referenceInputs(): Float32Array {
  const r = new SeededRng(77);
  return Float32Array.from({ length: REFERENCE_BATCH * 32 * 32 }, () => r.float());
}

/** Training-mode gradient check: archs, and how many leading gradient values per tensor are stored. */
export const GRAD_ARCHS = ['tfeat', 'hardnet', 'sosnet+soa35', 'hynet', 'hynet-bn', 'hynet-in'];
export const GRAD_BATCH = 4;
export const GRAD_HEAD = 16;

/** Seeded input patches `[4, 1, 32, 32]` in [0, 1) for the gradient check. */
export function gradInputs(): Float32Array {
  const r = new SeededRng(78);
  return Float32Array.from({ length: GRAD_BATCH * 32 * 32 }, () => r.float());
}
