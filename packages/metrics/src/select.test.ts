import { kthSmallest } from './index';
import { kthSmallestInPlace } from './select';

describe('selection', () => {
  const check = (values: number[]): void => {
    const sorted = [...values].sort((a, b) => a - b);
    for (const k of [0, 1, values.length >> 1, Math.ceil(0.95 * values.length) - 1, values.length - 1]) {
      expect(kthSmallestInPlace(Float64Array.from(values), k)).toBe(sorted[k]);
      expect(kthSmallestInPlace(Float32Array.from(values), k)).toBe(Math.fround(sorted[k] as number));
      expect(kthSmallest(values, k)).toBe(sorted[k]);
    }
  };
  it('large random arrays (sampled pivots)', () => {
    let s = 99;
    const rnd = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
    check(Array.from({ length: 20000 }, rnd));
  });
  it('large arrays with heavy ties and sorted / reversed input (fallback paths)', () => {
    check(Array.from({ length: 10000 }, (_, i) => (i % 3) * 0.5));
    check(Array.from({ length: 9000 }, () => 1));
    check(Array.from({ length: 8192 }, (_, i) => i / 8192));
    check(Array.from({ length: 8192 }, (_, i) => -i));
  });
  it('refuses k out of range', () => {
    expect(() => kthSmallestInPlace(new Float64Array(3), 3)).toThrow(RangeError);
  });
});
