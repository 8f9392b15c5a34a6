import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@descbench/core';
import { readHPatchesDescriptorSequence, writeHPatchesDescriptorSequence } from '@descbench/datasets';
import { evalHPatches, type EvalHPatchesResult } from './eval-hpatches';

// Fixture and expected numbers: __fixtures__/hpatches/make_fixture.py (checked there against the
// hpatches-benchmark python code itself with --check-reference).
const FX = join(__dirname, '__fixtures__', 'hpatches');
const DESCR = join(FX, 'descriptors');
const TASKS = join(FX, 'tasks');
interface Expected {
  verification: Record<string, Record<string, { balancedAuc: number; imbalancedAp: number }>>;
  matching: Record<string, Record<string, { ap: number; sr: number }[]>>;
  retrieval: Record<string, Record<string, number[]>>;
  summary: { verification: number; verificationBalanced: number; matching: number; matchingCases: Record<string, number>; retrieval: number; retrievalCases: Record<string, number> };
}
const EXPECTED = JSON.parse(readFileSync(join(FX, 'expected.json'), 'utf8')) as Record<'python' | 'matlab' | 'python-L1', Expected> & { pools: number[] };
const TOL = 1e-9;
const close = (got: number | undefined, want: number): void => expect(Math.abs((got as number) - want)).toBeLessThanOrEqual(TOL);

function checkAll(r: EvalHPatchesResult, e: Expected): void {
  for (const t of ['e', 'h', 't']) {
    for (const g of ['intra', 'inter'] as const) {
      const v = r.perCase.verification![t as 'e'][g];
      close(v.balancedAuc, e.verification[t]![g]!.balancedAuc);
      close(v.imbalancedAp, e.verification[t]![g]!.imbalancedAp);
    }
  }
  for (const [s, per] of Object.entries(e.matching)) {
    for (const [t, list] of Object.entries(per)) {
      list.forEach((x, i) => {
        close(r.perCase.matching![s]![t]![i]!.ap, x.ap);
        close(r.perCase.matching![s]![t]![i]!.sr, x.sr);
      });
    }
  }
  for (const [k, per] of Object.entries(e.retrieval)) for (const [t, aps] of Object.entries(per)) aps.forEach((x, q) => close(r.perCase.retrieval![k]![t]![q], x));
  close(100 * r.verification!.mAP, e.summary.verification);
  close(100 * r.verification!.balancedAuc, e.summary.verificationBalanced);
  close(100 * r.matching!.mAP, e.summary.matching);
  for (const [c, x] of Object.entries(e.summary.matchingCases)) close(100 * r.matching!.cases[c]!, x);
  close(100 * r.retrieval!.mAP, e.summary.retrieval);
  for (const [c, x] of Object.entries(e.summary.retrievalCases)) close(100 * r.retrieval!.cases[c]!, x);
}

describe('eval-hpatches on the committed fixture vs the benchmark python code', () => {
  for (const ap of ['python', 'matlab'] as const) {
    it(`all three tasks, every case and the article summary, ${ap} AP`, () => {
      const r = evalHPatches({ descriptors: DESCR, tasksDir: TASKS, split: 'fx', ap });
      expect(r.verification!.pairs).toBe('benchmark');
      expect(r.retrieval!.queries).toBe(15);
      expect(r.skipped).toEqual({});
      checkAll(r, EXPECTED[ap]);
    });
  }
  it('all three tasks with the L1 distance, python AP', () => {
    checkAll(evalHPatches({ descriptors: DESCR, tasksDir: TASKS, split: 'fx', distance: 'L1', progress: false }), EXPECTED['python-L1']);
  });
  it('the two AP conventions give different numbers', () => {
    expect(EXPECTED.python.summary.matching).not.toBeCloseTo(EXPECTED.matlab.summary.matching, 6);
  });
});

describe('eval-hpatches: layouts, restriction, bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eval-hpatches-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const copy = (name: string): string => {
    const d = join(dir, name);
    cpSync(DESCR, d, { recursive: true });
    return d;
  };

  it('reads the same descriptors as .npy and writes csv that reads back unchanged', () => {
    const npy = join(dir, 'npy');
    const csv = join(dir, 'csv');
    for (const s of ['i_fa', 'i_fb', 'i_fc', 'v_fd', 'v_fe', 'v_ff']) {
      const m = readHPatchesDescriptorSequence(join(DESCR, s));
      writeHPatchesDescriptorSequence(npy, s, m, 'npy');
      writeHPatchesDescriptorSequence(csv, s, m, 'csv');
      const back = readHPatchesDescriptorSequence(join(csv, s));
      for (const [k, v] of m) expect(back.get(k)!.data).toEqual(v.data);
    }
    const r = evalHPatches({ descriptors: npy, tasksDir: TASKS, split: 'fx', tasks: ['matching', 'retrieval'] });
    expect(r.verification).toBeUndefined();
    close(100 * r.matching!.mAP, EXPECTED.python.summary.matching);
    close(100 * r.retrieval!.mAP, EXPECTED.python.summary.retrieval);
  });

  it('--only-present: matching on the sequences there, verification on the rows within them, retrieval says what it lacks', () => {
    const d = join(dir, 'two');
    for (const s of ['i_fa', 'v_fd']) cpSync(join(DESCR, s), join(d, s), { recursive: true });
    expect(() => evalHPatches({ descriptors: d, tasksDir: TASKS, split: 'fx' })).toThrow(/missing sequence i_fb of split fx \(4 of 6 missing/);
    const r = evalHPatches({ descriptors: d, tasksDir: TASKS, split: 'fx', onlyPresent: true });
    expect(r.sequences).toEqual(['i_fa', 'v_fd']);
    expect(r.missing).toHaveLength(4);
    expect(r.verification!.pairs).toBe('benchmark');
    expect(r.verification!.positives).toBeGreaterThan(0);
    expect(Object.keys(r.perCase.matching!)).toEqual(['i_fa', 'v_fd']);
    for (const s of ['i_fa', 'v_fd']) {
      for (const t of ['e', 'h', 't']) EXPECTED.python.matching[s]![t]!.forEach((x, i) => close(r.perCase.matching![s]![t]![i]!.ap, x.ap));
    }
    expect(r.retrieval).toBeUndefined();
    expect(r.skipped.retrieval).toMatch(/need 4 sequences not in/);
  });

  it('draws verification pairs (announced as drawn) when the split has no verif lists', () => {
    const r = evalHPatches({ descriptors: DESCR, tasksDir: TASKS, split: 'fy', tasks: ['verification', 'retrieval'], drawnPairs: 2000 });
    expect(r.verification!.positives).toBe(2000);
    expect(r.sequences).toEqual(['i_fa', 'v_fd']);
    expect(r.verification!.pairs).toBe('drawn');
    expect(r.verification!.mAP).toBeGreaterThan(0);
    expect(r.skipped.retrieval).toMatch(/retr_queries_split-fy\.csv/);
  });

  it('writes the per-case results with --out', () => {
    const out = join(dir, 'res', 'fx.json');
    evalHPatches({ descriptors: DESCR, tasksDir: TASKS, split: 'fx', tasks: ['matching'], out });
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.perCase.matching.v_ff.t).toHaveLength(5);
  });

  const bad = (mutate: (d: string) => void, re: RegExp, o: { tasks?: ('verification' | 'matching' | 'retrieval')[] } = {}): void => {
    const d = copy(`bad-${Math.random().toString(36).slice(2)}`);
    mutate(d);
    let err: unknown;
    try {
      evalHPatches({ descriptors: d, tasksDir: TASKS, split: 'fx', ...o });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(re);
  };
  const lines = (f: string): string[] => readFileSync(f, 'utf8').trimEnd().split('\n');

  it('a strip file with a row too few or too many: file and line', () => {
    bad((d) => writeFileSync(join(d, 'v_fe', 'h3.csv'), `${lines(join(d, 'v_fe', 'h3.csv')).slice(1).join('\n')}\n`), /v_fe\/h3\.csv:40: 39 descriptors, but .*ref\.csv has 40/);
    bad((d) => writeFileSync(join(d, 'i_fb', 't5.csv'), `${lines(join(d, 'i_fb', 't5.csv')).join('\n')}\n1,2,3,4,5,6,7,8\n`), /i_fb\/t5\.csv:35: 35 descriptors, but .*ref\.csv has 34/);
  });
  it('ragged rows, NaN, non-numbers: file and line', () => {
    const edit = (f: string, line: number, text: string): void => {
      const l = lines(f);
      l[line - 1] = text;
      writeFileSync(f, `${l.join('\n')}\n`);
    };
    bad((d) => edit(join(d, 'i_fa', 'e2.csv'), 7, '1,2,3'), /i_fa\/e2\.csv:7: ragged row: 3 values, the rows above have 8/);
    bad((d) => edit(join(d, 'i_fa', 'ref.csv'), 3, '1,2,3,4,nan,6,7,8'), /i_fa\/ref\.csv:3, column "5": value 5 is "nan", expected a finite number/);
  });
  it('a missing patch type or sequence', () => {
    bad((d) => rmSync(join(d, 'v_ff', 'e4.csv')), /v_ff: missing patch type e4: no e4\.csv or e4\.npy/);
    bad((d) => rmSync(join(d, 'v_fd'), { recursive: true }), /v_fd: missing sequence v_fd of split fx/);
  });
  it('a task list naming a patch outside a sequence: the list file', () => {
    const t = join(dir, 'tasks-bad');
    cpSync(TASKS, t, { recursive: true });
    const f = join(t, 'verif_pos_split-fx.csv');
    const l = lines(f);
    l[3] = 'i_fb,1,99,i_fb,2,99';
    writeFileSync(f, `${l.join('\n')}\n`);
    expect(() => evalHPatches({ descriptors: DESCR, tasksDir: t, split: 'fx', tasks: ['verification'] })).toThrow(/verif_pos_split-fx\.csv.*patch 99 is outside the 34 patches of i_fb/);
    expect(() => evalHPatches({ descriptors: DESCR, tasksDir: join(dir, 'nope'), split: 'fx' })).toThrow(/bench fetch hpatches-tasks/);
    expect(() => evalHPatches({ descriptors: DESCR, tasksDir: TASKS, split: 'zz' })).toThrow(/no split "zz"/);
  });
});
