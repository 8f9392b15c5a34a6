import { LOSSES } from './registry';
import { GRAD_TOL, VALUE_TOL, directionalCheck, loadCases, valueAndGrads, worstRatio, type FixtureCase } from './__fixtures__/fixtures';

/**
 * Every case written by scripts/make-fixtures.py (PyTorch, float64): the loss value within
 * |a - b| <= 1e-5 (1 + |b|) and every gradient entry within 1e-4 (1 + |b|), computed through the
 * registry so the registered names and input names are exercised too.
 */
const FAMILIES = ['hardnet', 'sosnet', 'hynet', 'global', 'csa', 'tfeat'];
const cases: FixtureCase[] = FAMILIES.flatMap((f) => loadCases(f));

const run = (c: FixtureCase) => (inputs: Parameters<ReturnType<typeof LOSSES.get>['compute']>[0]) =>
  LOSSES.get(c.loss).compute(inputs, c.options);

describe('losses vs PyTorch golden values', () => {
  test('every registered loss has at least one golden case', () => {
    const covered = new Set(cases.map((c) => c.loss));
    expect(LOSSES.names().filter((n) => !covered.has(n))).toEqual([]);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = valueAndGrads(c, run(c));
    expect({ value: r.value, ratio: worstRatio([r.value], [c.value], VALUE_TOL) <= 1 }).toEqual({ value: r.value, ratio: true });
    for (const [k, g] of Object.entries(c.grads)) {
      const ratio = worstRatio(r.grads[k] as Float32Array, g.data, GRAD_TOL);
      expect({ input: k, withinTolerance: ratio <= 1 }).toEqual({ input: k, withinTolerance: true });
    }
  });
});

/**
 * Finite differences in float32: central difference along 3 random unit directions against
 * <grad, v>, within 2e-3 (1 + |analytic|) plus the float32 rounding allowance 2.4e-7 |L| / h.
 * The losses are piecewise smooth (a hinge crossing 0, the hardest negative or a kNN neighbour
 * switching); when a kink lies within the step the check is repeated with a smaller step
 * (2e-3, then 5e-4, then 2.5e-4). A wrong gradient fails at every step. Cases built with exact
 * ties are skipped: the loss has a kink exactly there and the one-sided derivatives differ.
 */
describe('finite-difference gradient checks', () => {
  const smooth = cases.filter((c) => !c.name.includes('ties'));
  test.each(smooth.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const seed of [1, 2, 3]) {
      const within = (h: number): { h: number; numeric: number; analytic: number; ok: boolean } => {
        const { numeric, analytic, value } = directionalCheck(c, run(c), seed * 7919 + c.name.length, h);
        const tol = 2e-3 * (1 + Math.abs(analytic)) + (2.4e-7 * Math.abs(value)) / h;
        return { h, numeric, analytic, ok: Math.abs(numeric - analytic) <= tol };
      };
      let r = within(2e-3);
      for (const h of [5e-4, 2.5e-4]) if (!r.ok) r = within(h);
      expect({ seed, ...r }).toEqual({ seed, h: r.h, numeric: r.numeric, analytic: r.analytic, ok: true });
    }
  });
});
