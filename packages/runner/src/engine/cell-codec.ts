import type { CellValue } from './types';

/**
 * CellValue <-> JSON text that keeps every number exactly: JSON writes doubles in their shortest
 * round-trip form, but turns NaN, ±Infinity into null and -0 into 0, so those travel tagged.
 * Used where a value crosses a JSON boundary (the queue's job data and return values).
 */
const TAG = '$num';

export function encodeCellValue(v: CellValue): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x !== 'number') return x;
    if (Number.isNaN(x)) return { [TAG]: 'NaN' };
    if (x === Infinity) return { [TAG]: 'Infinity' };
    if (x === -Infinity) return { [TAG]: '-Infinity' };
    if (Object.is(x, -0)) return { [TAG]: '-0' };
    return x;
  });
}

export function decodeCellValue(text: string): CellValue {
  return JSON.parse(text, (_k, x: unknown) => {
    if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
      const keys = Object.keys(x);
      if (keys.length === 1 && keys[0] === TAG) return Number((x as Record<string, string>)[TAG]);
    }
    return x;
  }) as CellValue;
}
