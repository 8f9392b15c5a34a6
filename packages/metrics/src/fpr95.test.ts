import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@descbench/core';
import { fpr95, kthSmallest } from './index';

/** Copy of ../shared/golden/fpr95.json (see __fixtures__/golden/README.md). */
const golden = (file: string): any => JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'golden', file), 'utf8'));

interface Case {
  name: string;
  labels: number[];
  distances: number[];
  hardnet_fpr95_ties_pos_first: number;
  hardnet_fpr95_ties_neg_first: number;
  hynet_fpr95: number | null;
}

const close = (a: number, b: number): void => {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
};

describe('fpr95 against golden/fpr95.json', () => {
  const cases = (golden('fpr95.json') as { cases: Case[] }).cases;
  it('has the expected cases', () => {
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(['ties_at_threshold', '10pos_hynet_out_of_range']));
  });
  for (const c of cases) {
    it(`${c.name}: hardnet, negatives-first (default)`, () => {
      const r = fpr95(c.distances, c.labels);
      expect(r.ties).toBe('negatives-first');
      close(r.fpr, c.hardnet_fpr95_ties_neg_first);
    });
    it(`${c.name}: hardnet, positives-first`, () => {
      close(fpr95(c.distances, c.labels, { convention: 'hardnet', ties: 'positives-first' }).fpr, c.hardnet_fpr95_ties_pos_first);
    });
    it(`${c.name}: hynet`, () => {
      if (c.hynet_fpr95 === null) {
        expect(() => fpr95(c.distances, c.labels, { convention: 'hynet' })).toThrow(InputError);
        expect(() => fpr95(c.distances, c.labels, { convention: 'hynet' })).toThrow(/at least 20 positives/);
      } else {
        close(fpr95(c.distances, c.labels, { convention: 'hynet' }).fpr, c.hynet_fpr95);
      }
    });
    it(`${c.name}: input order does not matter`, () => {
      const idx = c.labels.map((_, i) => i).reverse();
      const r1 = fpr95(idx.map((i) => c.distances[i] as number), idx.map((i) => c.labels[i] as number));
      close(r1.fpr, c.hardnet_fpr95_ties_neg_first);
    });
  }
});

describe('fpr95 input checks and invariants', () => {
  it('refuses NaN and infinite distances, naming the entry', () => {
    expect(() => fpr95([0.1, NaN, 0.3], [1, 0, 0])).toThrow(/distance 1 is NaN/);
    expect(() => fpr95([0.1, 0.2, Infinity], [1, 0, 0])).toThrow(InputError);
  });
  it('refuses no positives / no negatives / length mismatch', () => {
    expect(() => fpr95([0.1, 0.2], [0, 0])).toThrow(/positive/);
    expect(() => fpr95([0.1, 0.2], [1, 1])).toThrow(/negative/);
    expect(() => fpr95([0.1, 0.2], [1])).toThrow(/lengths differ/);
  });
  it('hynet accepts exactly 20 positives and refuses 19', () => {
    const mk = (p: number): [number[], number[]] => {
      const dist = [...Array.from({ length: p }, (_, i) => i / p), 0.5, 2];
      return [dist, [...Array(p).fill(1), 0, 0]];
    };
    expect(() => fpr95(...mk(20), { convention: 'hynet' })).not.toThrow();
    expect(() => fpr95(...mk(19), { convention: 'hynet' })).toThrow(InputError);
  });
  it('a constant descriptor scores 1 under negatives-first and 0 under positives-first', () => {
    const dist = Array(40).fill(0.7);
    const lab = [...Array(20).fill(1), ...Array(20).fill(0)];
    expect(fpr95(dist, lab).fpr).toBe(1);
    expect(fpr95(dist, lab, { ties: 'positives-first' }).fpr).toBe(0);
  });
  it('matches a sort-based implementation of the hardnet definition on random data', () => {
    let s = 12345;
    const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 30; trial++) {
      const n = 50 + trial * 7;
      const dist = Array.from({ length: n }, () => Math.round(rnd() * 20) / 20); // many ties
      const lab = dist.map(() => (rnd() < 0.5 ? 1 : 0));
      lab[0] = 1;
      lab[1] = 0;
      for (const ties of ['negatives-first', 'positives-first'] as const) {
        const order = dist.map((_, i) => i).sort((a, b) => {
          const dd = (dist[a] as number) - (dist[b] as number);
          if (dd !== 0) return dd;
          const la = lab[a] as number;
          const lb = lab[b] as number;
          return ties === 'negatives-first' ? la - lb : lb - la;
        });
        const P = lab.reduce((x: number, y: number) => x + y, 0);
        let cum = 0;
        let idx = 0;
        for (; idx < n; idx++) {
          cum += lab[order[idx] as number] as number;
          if (cum >= 0.95 * P) break;
        }
        let fp = 0;
        for (let i = 0; i < idx; i++) if (lab[order[i] as number] === 0) fp++;
        expect(fpr95(dist, lab, { ties }).fpr).toBe(fp / (n - P));
      }
    }
  });
  it('large inputs (one-pass bracketed path and its fallbacks) agree with sorting', () => {
    let s = 777;
    const rnd = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
    const reference = (dist: ArrayLike<number>, lab: ArrayLike<number>, conv: 'hardnet' | 'hynet', strict: boolean): number => {
      const pos: number[] = [];
      const neg: number[] = [];
      for (let i = 0; i < dist.length; i++) ((lab[i] as number) !== 0 ? pos : neg).push(dist[i] as number);
      pos.sort((a, b) => a - b);
      const k = conv === 'hardnet' ? Math.ceil(0.95 * pos.length) - 1 : Math.ceil(pos.length * 0.95);
      const t = pos[k] as number;
      return neg.filter((d) => (strict ? d < t : d <= t)).length / neg.length;
    };
    const sets: [string, Float32Array | Float64Array, Uint8Array][] = [];
    const n = 30000;
    const lab = Uint8Array.from({ length: n }, () => (rnd() < 0.5 ? 1 : 0));
    sets.push(['random float64', Float64Array.from(lab, (l) => Math.abs((l ? 0.6 : 1.1) + 0.3 * (rnd() - 0.5))), lab]);
    sets.push(['rounded float32 (ties)', Float32Array.from(lab, (l) => Math.round(((l ? 0.6 : 1.0) + 0.4 * rnd()) * 50) / 50), lab]);
    sets.push(['all equal', new Float64Array(n).fill(0.5), lab]);
    sets.push(['sorted positives first', Float64Array.from({ length: n }, (_, i) => i / n), Uint8Array.from({ length: n }, (_, i) => (i < n / 2 ? 1 : 0))]);
    for (const [, dist, l] of sets) {
      expect(fpr95(dist, l).fpr).toBe(reference(dist, l, 'hardnet', false));
      expect(fpr95(dist, l, { ties: 'positives-first' }).fpr).toBe(reference(dist, l, 'hardnet', true));
      expect(fpr95(dist, l, { convention: 'hynet' }).fpr).toBe(reference(dist, l, 'hynet', false));
    }
    const bad = Float64Array.from(lab, () => 0.5);
    bad[12345] = NaN;
    expect(() => fpr95(bad, lab)).toThrow(/distance 12345 is NaN/);
  });
  it('kthSmallest agrees with sorting', () => {
    const v = Array.from({ length: 301 }, (_, i) => Math.sin(i * 7.3) * 10);
    const sorted = [...v].sort((a, b) => a - b);
    for (const k of [0, 1, 17, 150, 299, 300]) expect(kthSmallest(v, k)).toBe(sorted[k]);
  });
});
