import { InputError } from '@descbench/core';
import { describe, pickleDictGet, readPickle, type PickleValue, type PickledNdarray } from './pickle';

/** One query of a revisited Oxford/Paris ground truth (`gnd_<name>.pkl`). */
export interface RevisitopQuery {
  /** Query crop `[x1, y1, x2, y2]` in pixels. */
  bbx: number[];
  easy: number[];
  hard: number[];
  junk: number[];
}

/** The ground-truth file: database image names, query image names and per-query lists. */
export interface RevisitopGnd {
  imlist: string[];
  qimlist: string[];
  gnd: RevisitopQuery[];
}

/**
 * Read and validate a revisitop ground-truth pickle: a dict with `imlist`, `qimlist`, `gnd`
 * (one dict per query with `bbx`, `easy`, `hard`, `junk`). Index lists may be lists or numpy
 * arrays; every index must lie in [0, |imlist|). Errors name the file and the query.
 */
export function readRevisitopGnd(path: string): RevisitopGnd {
  return revisitopGndFromPickle(readPickle(path), path);
}

export function revisitopGndFromPickle(root: PickleValue, file?: string): RevisitopGnd {
  const imlist = strings(pickleDictGet(root, 'imlist', { file }), 'imlist', file);
  const qimlist = strings(pickleDictGet(root, 'qimlist', { file }), 'qimlist', file);
  const g = pickleDictGet(root, 'gnd', { file });
  if (!Array.isArray(g)) throw new InputError(`"gnd" is ${describe(g)}, expected a list`, { file });
  if (g.length !== qimlist.length) {
    throw new InputError(`"gnd" has ${g.length} entries but "qimlist" has ${qimlist.length}`, { file });
  }
  const n = imlist.length;
  const gnd = (g as PickleValue[]).map((q, i) => {
    const at = `query ${i}`;
    const list = (key: string, required: boolean): number[] => {
      if (!required && q instanceof Map && !q.has(key)) return [];
      const v = numbers(pickleDictGet(q, key, { file, at }), key, file, at);
      return v;
    };
    const idx = (key: string): number[] => {
      const v = list(key, true);
      for (const x of v) {
        if (!Number.isInteger(x) || x < 0 || x >= n) {
          throw new InputError(`"${key}" index ${x} is outside [0, ${n})`, { file, at });
        }
      }
      return v;
    };
    const bbx = list('bbx', false);
    if (bbx.length !== 0 && bbx.length !== 4) throw new InputError(`"bbx" has ${bbx.length} values, expected 4`, { file, at });
    return { bbx, easy: idx('easy'), hard: idx('hard'), junk: idx('junk') };
  });
  return { imlist, qimlist, gnd };
}

function strings(v: PickleValue, key: string, file?: string): string[] {
  if (!Array.isArray(v)) throw new InputError(`"${key}" is ${describe(v)}, expected a list of names`, { file });
  return (v as PickleValue[]).map((s, i) => {
    if (typeof s !== 'string') throw new InputError(`"${key}"[${i}] is ${describe(s)}, expected a str`, { file });
    return s;
  });
}

function numbers(v: PickleValue, key: string, file?: string, at?: string): number[] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && (v as PickledNdarray).kind === 'ndarray') {
    const a = v as PickledNdarray;
    return Array.from(a.data as ArrayLike<number | bigint>, (x) => Number(x));
  }
  if (!Array.isArray(v)) throw new InputError(`"${key}" is ${describe(v)}, expected a list of numbers`, { file, at });
  return (v as PickleValue[]).map((x) => {
    if (typeof x === 'number') return x;
    if (typeof x === 'bigint') return Number(x);
    throw new InputError(`"${key}" contains ${describe(x)}, expected numbers`, { file, at });
  });
}
