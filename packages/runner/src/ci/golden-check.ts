import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findSharedDir, isInputError } from '@descbench/core';
import { encodePickle, readNpy, writeNpy } from '@descbench/datasets';
import { evalPairs } from '../eval/eval-pairs';
import { evalRanks } from '../eval/eval-ranks';
import { describePatches } from '../models/describe';
import { findBenchmarksDir } from '../tables/catalog';
import type { CiCheckResult } from './check';

/**
 * The reference implementations' outputs (../shared/golden) through the same code as
 * `bench eval-pairs`, `bench eval-ranks` and `bench describe`: inputs written in the official
 * formats (m50 pairs + distances, a revisitop gnd pickle + ranks .npy, a PhotoTour BMP tile),
 * outputs compared with the golden values. Skipped, with the path it needs, without ../shared.
 */
export async function goldenChecks(): Promise<CiCheckResult[]> {
  const shared = findSharedDir(resolve(findBenchmarksDir(), '..'));
  const golden = shared === undefined ? undefined : join(shared, 'golden');
  const names = ['fpr95.json', 'revisitop_protocols.json', 'tfeat_liberty_notredame0000.json'];
  if (golden === undefined || !existsSync(golden)) {
    return names.map((n) => ({ check: 'golden', table: n, cells: 0, verdict: 'skip', seconds: 0, failures: [], note: `needs ../shared/golden/${n} (../shared is absent)`, changes: [] }));
  }
  const dir = mkdtempSync(join(tmpdir(), 'descbench-ci-golden-'));
  try {
    return [await run('fpr95.json', () => fpr95Golden(golden, dir)), await run('revisitop_protocols.json', () => ranksGolden(golden, dir)), await run('tfeat_liberty_notredame0000.json', () => tfeatGolden(shared as string, golden, dir))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Outcome {
  cells: number;
  failures: string[];
  note: string;
}

async function run(name: string, f: () => Promise<Outcome> | Outcome): Promise<CiCheckResult> {
  const t0 = Date.now();
  const o = await f();
  return { check: 'golden', table: name, cells: o.cells, verdict: o.failures.length > 0 ? 'fail' : 'pass', seconds: (Date.now() - t0) / 1000, failures: o.failures, note: o.note, changes: [] };
}

const read = (golden: string, name: string): unknown => JSON.parse(readFileSync(join(golden, name), 'utf8'));

interface Fpr95Case {
  name: string;
  labels: number[];
  distances: number[];
  hardnet_fpr95_ties_pos_first: number;
  hardnet_fpr95_ties_neg_first: number;
  hynet_fpr95: number | null;
}

/** fpr95.json: every case under HardNet (both tie rules) and HyNet; HyNet's out-of-range case must be refused. */
function fpr95Golden(golden: string, dir: string): Outcome {
  const { cases } = read(golden, 'fpr95.json') as { cases: Fpr95Case[] };
  const failures: string[] = [];
  let cells = 0;
  for (const c of cases) {
    const pairs = join(dir, `${c.name}.m50.txt`);
    const dist = join(dir, `${c.name}.d.txt`);
    // m50 layout: patch1 point1 0 patch2 point2 0 0; a match shares the 3D point id
    writeFileSync(pairs, c.labels.map((l, i) => `${2 * i} ${i} 0 ${2 * i + 1} ${l === 1 ? i : i + c.labels.length} 0 0`).join('\n') + '\n');
    writeFileSync(dist, c.distances.map((d) => String(d)).join('\n') + '\n');
    const expect = (what: string, got: number | 'refused', want: number | null): void => {
      cells++;
      const ok = want === null ? got === 'refused' : got !== 'refused' && Math.abs(got - want) <= 1e-12;
      if (!ok) failures.push(`golden fpr95.json case ${c.name}, ${what}: got ${got}, expected ${want === null ? 'refused (fewer than 20 positives)' : want}`);
    };
    expect('hardnet positives-first', evalPairs({ pairs, distances: dist, convention: 'hardnet', ties: 'positives-first' }).fpr95, c.hardnet_fpr95_ties_pos_first);
    expect('hardnet negatives-first', evalPairs({ pairs, distances: dist, convention: 'hardnet', ties: 'negatives-first' }).fpr95, c.hardnet_fpr95_ties_neg_first);
    let hynet: number | 'refused';
    try {
      hynet = evalPairs({ pairs, distances: dist, convention: 'hynet' }).fpr95;
    } catch (e) {
      if (!isInputError(e)) throw e;
      hynet = 'refused';
    }
    expect('hynet', hynet, c.hynet_fpr95);
  }
  return { cells, failures, note: `${cases.length} cases x 3 conventions` };
}

interface ProtocolExpect {
  mAP: number;
  'mP@k': number[];
}

/** revisitop_protocols.json: Easy/Medium/Hard mAP and mP@k from a gnd pickle and a ranks .npy. */
function ranksGolden(golden: string, dir: string): Outcome {
  const g = read(golden, 'revisitop_protocols.json') as {
    ranks_per_query: number[][];
    gnd_revisited: { easy: number[]; hard: number[]; junk: number[] }[];
    kappas: number[];
    expected: Record<'E' | 'M' | 'H', ProtocolExpect>;
  };
  const db = g.ranks_per_query[0]?.length ?? 0;
  const gnd = join(dir, 'gnd.pkl');
  writeFileSync(
    gnd,
    encodePickle({
      imlist: Array.from({ length: db }, (_, i) => `db${i}`),
      qimlist: g.gnd_revisited.map((_, i) => `q${i}`),
      gnd: g.gnd_revisited.map((q) => ({ bbx: [0, 0, 1, 1], easy: q.easy, hard: q.hard, junk: q.junk })),
    }),
  );
  // revisitop's ranks: [db, queries], one column per query
  const nq = g.ranks_per_query.length;
  const data = new Int32Array(db * nq);
  g.ranks_per_query.forEach((ranks, q) => ranks.forEach((r, k) => (data[k * nq + q] = r)));
  const ranks = join(dir, 'ranks.npy');
  writeNpy(ranks, { data, shape: [db, nq] });
  const r = evalRanks({ gnd, ranks, kappas: g.kappas });
  const failures: string[] = [];
  let cells = 0;
  for (const [p, name] of [['E', 'easy'], ['M', 'medium'], ['H', 'hard']] as const) {
    const want = g.expected[p];
    const got = r[name];
    const pairs: [string, number, number][] = [['mAP', got.mAP, want.mAP], ...want['mP@k'].map((w, i): [string, number, number] => [`mP@${g.kappas[i]}`, got['mP@k'][i] ?? NaN, w])];
    for (const [what, a, b] of pairs) {
      cells++;
      if (!(Math.abs(a - b) <= 1e-12)) failures.push(`golden revisitop_protocols.json ${name} ${what}: got ${a}, expected ${b}`);
    }
  }
  return { cells, failures, note: 'E/M/H mAP and mP@1,5,10' };
}

/** tfeat_liberty_notredame0000.json: TFeat descriptors of the first 64 patches of a PhotoTour tile, tolerance 1e-4. */
async function tfeatGolden(shared: string, golden: string, dir: string): Promise<Outcome> {
  const g = read(golden, 'tfeat_liberty_notredame0000.json') as { first_patches: number; descriptors: number[][] };
  const weights = join(shared, 'weights', 'tfeat', 'tfeat-liberty.params');
  const input = join(shared, 'data', 'phototour', 'notredame-sample', 'patches0000.bmp');
  for (const f of [weights, input]) if (!existsSync(f)) return { cells: 0, failures: [`golden tfeat: missing ${f}`], note: '' };
  const out = join(dir, 'tfeat.npy');
  // the golden file's stated preprocessing: 2x2 box mean in floating point, /255
  await describePatches({ model: 'tfeat.liberty', weights, input, out, limit: g.first_patches, resize: 'box2x2-float', progress: false });
  const d = readNpy(out);
  const dim = d.shape[1] ?? 0;
  let worst = 0;
  let where = '';
  g.descriptors.forEach((row, i) =>
    row.forEach((v, j) => {
      const e = Math.abs(Number(d.data[i * dim + j]) - v);
      if (!(e <= worst)) {
        worst = Number.isNaN(e) ? Infinity : e;
        where = `patch ${i}, dim ${j}`;
      }
    }),
  );
  const cells = g.descriptors.length * (g.descriptors[0]?.length ?? 0);
  const ok = worst <= 1e-4 && d.shape[0] === g.descriptors.length;
  return { cells, failures: ok ? [] : [`golden tfeat_liberty_notredame0000.json: max |ours - PyTorch| ${worst.toExponential(2)} > 1e-4 at ${where} (shape ${d.shape.join('x')})`], note: `max abs error ${worst.toExponential(2)} (tolerance 1e-4)` };
}
