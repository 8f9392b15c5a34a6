import { InputError } from '@descbench/core';
import type { NumericArray } from './validate';

/**
 * The one rule for binary labels in every metric (FPR@95, ROC, AP): 1 is a positive, 0 or -1 a
 * negative (UBC m50 pairs and HPatches matching write 0/1, HPatches verification -1/1). Anything
 * else (2, 0.5, NaN) or a mix of 0 and -1 is refused: such labels are not what the caller thinks.
 * After this check a label `l` is positive exactly when `(l + 1) >>> 1` is 1 (branch-free).
 *
 * @returns the number of positives.
 * @throws InputError naming the first offending label.
 */
export function countPositiveLabels(labels: NumericArray, what = 'label'): number {
  let pos = 0;
  let zero = -1;
  let minusOne = -1;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] as number;
    if (l === 1) pos++;
    else if (l === 0) zero = zero < 0 ? i : zero;
    else if (l === -1) minusOne = minusOne < 0 ? i : minusOne;
    else throw new InputError(`${what} ${i} is ${String(l)}; expected 1 (positive) or 0 / -1 (negative)`, { at: `${what} ${i}` });
  }
  if (zero >= 0 && minusOne >= 0) {
    throw new InputError(`${what}s mix 0 (${what} ${zero}) and -1 (${what} ${minusOne}) for negatives; use 0/1 or -1/1`, { at: `${what} ${Math.max(zero, minusOne)}` });
  }
  return pos;
}
