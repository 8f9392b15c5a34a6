import { LOSSES } from './registry';
import { GRAD_TOL, VALUE_TOL, directionalCheck, loadCases, valueAndGrads, worstRatio, type FixtureCase } from './__fixtures__/fixtures';

/**
 * Every case written by scripts/make-fixtures.py (PyTorch, float64): the loss value within
 * |a - b| <= 1e-5 (1 + |b|) and every gradient entry within 1e-4 (1 + |b|), computed through the
 * registry so the registered names and input names are exercised too.
 */
const FAMILIES = ['hardnet', 'sosnet', 'hynet', 'global', 'csa'];
const cases: FixtureCase[] = FAMILIES.flatMap((f) => loadCases(f));

const run = (c: FixtureCase) => (inputs: Parameters<ReturnType<typeof LOSSES.get>['compute']>[0]) =>
  LOSSES.get(c.loss).compute(inputs, c.options);

describe('losses vs PyTorch golden values', () => {
  test('every registered loss has at least one golden case', () => {
    const covered = new Set(cases.map((c) => c.loss));
    expect(LOSSES.names().filter((n) => !covered.has(n) && n !== 'l2-norm')).toEqual([]);
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
 * Finite differences in float32: central difference along 3 random unit directions, step 2e-3,
 * against <grad, v>; |fd - analytic| <= 2e-3 (1 + |analytic|). Cases with exact ties are skipped
 * (the loss has a kink there; one-sided derivatives differ by construction).
 */
describe('finite-difference gradient checks', () => {
  const smooth = cases.filter((c) => !c.name.includes('ties'));
  test.each(smooth.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const seed of [1, 2, 3]) {
      const { numeric, analytic } = directionalCheck(c, run(c), seed * 7919 + c.name.length);
      expect({ seed, numeric, ok: Math.abs(numeric - analytic) <= 2e-3 * (1 + Math.abs(analytic)) }).toEqual({ seed, numeric, ok: true });
    }
  });
});
