import { log } from '@descbench/core';
import { modelSpec, parseModelName } from '@descbench/models';

/**
 * Say on stderr, before any work, that a learned model will run with seeded random weights
 * because no `--weights` were given: its outputs describe an untrained network. Hand-crafted
 * models have no weights; tagged names without weights are refused later with the download URLs.
 */
export function announceRandomWeights(model: string, weights: unknown, seed: number | undefined, what: string): boolean {
  if (weights !== undefined) return false;
  try {
    if (parseModelName(model).tag !== undefined) return false;
    modelSpec(model);
  } catch {
    return false; // hand-crafted or unknown: nothing to announce (unknown names fail with suggestions later)
  }
  log.warn(`no --weights: ${model} runs with seeded random weights (seed ${seed ?? 0}), so ${what} are those of an untrained network`);
  return true;
}
