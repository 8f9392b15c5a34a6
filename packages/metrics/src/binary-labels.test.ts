import { InputError } from '@descbench/core';
import { countPositiveLabels } from './binary-labels';
import { fpr95 } from './fpr95';
import { tpfp } from './tpfp';

describe('one label rule for FPR@95 and tp/fp (AP, ROC): 1 positive, 0 or -1 negative, nothing else', () => {
  const d = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
  const l01 = [1, 0, 1, 1, 0, 0];
  const lpm = l01.map((l) => (l === 1 ? 1 : -1));

  test('0/1 and -1/1 give the same results', () => {
    expect(fpr95(d, lpm)).toEqual(fpr95(d, l01));
    expect(fpr95(d, Int8Array.from(lpm))).toEqual(fpr95(d, Uint8Array.from(l01)));
    const a = tpfp(d, l01);
    const b = tpfp(d, lpm);
    expect([Array.from(b.tp), Array.from(b.fp), b.p, b.n]).toEqual([Array.from(a.tp), Array.from(a.fp), a.p, a.n]);
    // -1 was counted as a positive by tpfp's `!== 0` and by fpr95's sign-bit test
    expect(b.p).toBe(3);
  });

  test('labels other than 0/1 or -1/1 are refused by both, naming the first', () => {
    for (const bad of [[1, 0, 2, 1, 0, 0], [1, 0, 0.5, 1, 0, 0], [1, 0, Number.NaN, 1, 0, 0]]) {
      expect(() => fpr95(d, bad)).toThrow(InputError);
      expect(() => fpr95(d, bad)).toThrow(/label 2 is .*; expected 1 \(positive\) or 0 \/ -1 \(negative\)/);
      expect(() => tpfp(d, bad)).toThrow(/label 2 is /);
    }
  });

  test('a mix of 0 and -1 for negatives is refused', () => {
    expect(() => countPositiveLabels([1, 0, -1])).toThrow(/labels mix 0 \(label 1\) and -1 \(label 2\)/);
    expect(() => fpr95(d, [1, 0, 1, -1, 0, 1])).toThrow(InputError);
  });
});
