import { InputError } from '@descbench/core';

/** Numbers that a metric reads: a typed array or a plain array. */
export type NumericArray = ArrayLike<number>;

/**
 * Throw an `InputError` naming the first entry of `values` that is NaN or infinite.
 * `what` names the array in the message (e.g. `distance`), `file` is passed through.
 */
export function assertFinite(values: NumericArray, what: string, file?: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      throw new InputError(`${what} ${i} is ${String(v)}; expected a finite number`, { file, at: `${what} ${i}` });
    }
  }
}

/** Throw an `InputError` unless two arrays that pair up entry by entry have the same length. */
export function assertSameLength(a: NumericArray, b: NumericArray, what: string): void {
  if (a.length !== b.length) {
    throw new InputError(`${what}: lengths differ (${a.length} vs ${b.length})`);
  }
}
