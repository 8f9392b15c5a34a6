import { InputError } from '@descbench/core';
import { formatMeanStd, mean, std, welchTTest } from './index';

// Reference values: numpy 2.4 / scipy 1.17 (`np.std(ddof=1)`, `np.std`, `ttest_ind(equal_var=False)`).
const a = [1.22, 1.25, 1.19, 1.21, 1.24];
const b = [1.3, 1.28, 1.35, 1.27];
const rel = (x: number, y: number): void => expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-9 * Math.abs(y));

describe('seed statistics', () => {
  it('mean, sample and population std', () => {
    rel(mean(a), 1.222);
    rel(std(a, 'sample'), 0.023874672772626667);
    rel(std(a, 'population'), 0.02135415650406264);
    rel(std(a), 0.023874672772626667);
  });
  it("Welch's t-test matches scipy", () => {
    const r = welchTTest(a, b);
    rel(r.t, -3.7585815122889277);
    rel(r.df, 5.0572366022603);
    rel(r.p, 0.012903654956263328);
    const r2 = welchTTest([0.5, 0.7, 0.9], [0.4, 0.45, 1.2, 0.3, 0.8, 0.61]);
    rel(r2.t, 0.4124597226967753);
    rel(r2.df, 6.4176918106096945);
    rel(r2.p, 0.6934292205189364);
  });
  it('zero variance in both samples gives NaN like scipy; too few values is an input error', () => {
    expect(Number.isNaN(welchTTest([1, 1], [2, 2]).p)).toBe(true);
    expect(() => welchTTest([1], [2, 3])).toThrow(InputError);
    expect(() => std([1], 'sample')).toThrow(InputError);
    expect(std([1], 'population')).toBe(0);
  });
  it('formats like the papers', () => {
    expect(formatMeanStd(a)).toBe('1.22 ± 0.02');
    expect(formatMeanStd([0.0122, 0.0126, 0.0118], { scale: 100 })).toBe('1.22 ± 0.04');
    expect(formatMeanStd([0.0122, 0.0126, 0.0118], { scale: 100, std: 'population', digits: 3 })).toBe('1.220 ± 0.033');
    expect(formatMeanStd([3.14159])).toBe('3.14');
  });
});
