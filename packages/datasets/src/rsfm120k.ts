import { join } from 'node:path';
import { InputError } from '@descbench/core';
import { describe, pickleDictGet, readPickle, type PickleValue, type PickledNdarray } from './formats/pickle';

/**
 * retrieval-SfM-120k metadata (`retrieval-SfM-120k.pkl`, cnnimageretrieval-pytorch): a dict with
 * `train` and `val`, each holding `cids` (image ids), `cluster` (3D model id per image), `qidxs`
 * and `pidxs` (query / positive image indices, pairwise). Images live at
 * `<ims>/<cid[-2:]>/<cid[-4:-2]>/<cid[-6:-4]>/<cid>` (cirtorch `cid2filename`).
 */
export interface RsfmSplit {
  cids: string[];
  cluster: Int32Array;
  qidxs: Int32Array;
  pidxs: Int32Array;
}

export interface Rsfm120k {
  train: RsfmSplit;
  val: RsfmSplit;
}

export function readRsfm120k(file: string): Rsfm120k {
  return rsfmFromPickle(readPickle(file), file);
}

function ints(v: PickleValue, key: string, file: string | undefined, at: string): Int32Array {
  let src: ArrayLike<unknown>;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && (v as PickledNdarray).kind === 'ndarray') src = (v as PickledNdarray).data as ArrayLike<unknown>;
  else if (Array.isArray(v)) src = v;
  else throw new InputError(`"${key}" is ${describe(v)}, expected a list of integers`, { file, at });
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    const n = typeof x === 'bigint' ? Number(x) : x;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) {
      throw new InputError(`"${key}"[${i}] is not a 32-bit integer`, { file, at });
    }
    out[i] = n;
  }
  return out;
}

export function rsfmFromPickle(root: PickleValue, file?: string): Rsfm120k {
  const split = (name: 'train' | 'val'): RsfmSplit => {
    const at = `split ${name}`;
    const s = pickleDictGet(root, name, { file });
    const cidsV = pickleDictGet(s, 'cids', { file, at });
    if (!Array.isArray(cidsV)) throw new InputError(`"cids" is ${describe(cidsV)}, expected a list of str`, { file, at });
    const cids = (cidsV as PickleValue[]).map((c, i) => {
      if (typeof c !== 'string' || c.length < 6 || /[\\/]|\.\./.test(c)) throw new InputError(`"cids"[${i}] is not an image id (a str of 6+ characters, no path separators)`, { file, at });
      return c;
    });
    const cluster = ints(pickleDictGet(s, 'cluster', { file, at }), 'cluster', file, at);
    const qidxs = ints(pickleDictGet(s, 'qidxs', { file, at }), 'qidxs', file, at);
    const pidxs = ints(pickleDictGet(s, 'pidxs', { file, at }), 'pidxs', file, at);
    if (cluster.length !== cids.length) throw new InputError(`"cluster" has ${cluster.length} entries, "cids" ${cids.length}`, { file, at });
    if (qidxs.length !== pidxs.length) throw new InputError(`"qidxs" has ${qidxs.length} entries, "pidxs" ${pidxs.length}`, { file, at });
    for (const [k, arr] of [
      ['qidxs', qidxs],
      ['pidxs', pidxs],
    ] as const) {
      for (let i = 0; i < arr.length; i++) {
        if ((arr[i] as number) < 0 || (arr[i] as number) >= cids.length) throw new InputError(`"${k}"[${i}] = ${arr[i]} outside 0..${cids.length - 1}`, { file, at });
      }
    }
    return { cids, cluster, qidxs, pidxs };
  };
  return { train: split('train'), val: split('val') };
}

/** cirtorch `cid2filename`: `<ims>/<cid[-2:]>/<cid[-4:-2]>/<cid[-6:-4]>/<cid>`. */
export function rsfmImagePath(imsDir: string, cid: string): string {
  const n = cid.length;
  return join(imsDir, cid.slice(n - 2), cid.slice(n - 4, n - 2), cid.slice(n - 6, n - 4), cid);
}
