import { createHash } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, fstatSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createProgress, ensureDir, InputError, log, writeFileAtomicSync, type ProgressOptions } from '@descbench/core';
import {
  cropQuery,
  encodePickle,
  loadRevisitopDataset,
  NumpyArray,
  pillowThumbnail,
  readFeatureDict,
  readGlobalFeatures,
  readJpegRgb,
  resolveDataRoot,
  writeNpy,
  type RevisitopDataset,
} from '@descbench/datasets';
import { applyWhitening, GlobalExtractor, learnPcaWhitening, POOLINGS, type PcaWhitening, type Pooling } from '@descbench/retrieval';

/**
 * Global descriptors of a revisitop dataset's images (`bench extract-global`), by cirtorch's test
 * protocol (cirtorch/datasets/genericdataset.py ImagesFromList, datahelpers.py, test.py):
 *   1. load: PIL `Image.open(f).convert('RGB')` (`readJpegRgb`);
 *   2. queries only: crop by `gnd[q]['bbx']` as PIL `img.crop(bbx)` (coordinates rounded half to
 *      even, end-exclusive, zero padding outside the image: `cropQuery`, 'python' convention);
 *   3. `imresize`: `img.thumbnail((imsize, imsize), Image.ANTIALIAS)`, imsize 1024 by default
 *      (`pillowThumbnail`: Pillow 9.4's size rule, reduce and Lanczos resampling, byte-exact);
 *   4. ToTensor + ImageNet mean / std, then `extract_ss` / `extract_ms` with the backbone given
 *      as ONNX, pooling GeM (p = 3) / MAC / R-MAC, L2, scales (default 1; 1, 1/sqrt 2, 1/2 for
 *      multi-scale) combined by the power mean with msp = p for multi-scale GeM, else 1, then L2
 *      (`GlobalExtractor.describe`);
 *   5. optional post-hoc whitening (cirtorch `whitenapply`): given as a pickle `{'m': D x 1,
 *      'P': d x D}` or learned (`pcawhitenlearn`) on training descriptors; keeps `whitenDims`.
 * Output: the pickle `{'db': D x N, 'query': D x Q}` float32 that `bench roxf|rpar` reads from
 * `<features dir>/<type>.pkl`, or for `.npy`: `<stem>_db.npy` and `<stem>_query.npy` ([N, D]).
 *
 * Resumable: each descriptor is appended to `<out>.partial.bin` (int32 index + D float32) as soon
 * as it is computed; `<out>.partial.json` holds what the descriptors depend on (backbone and gnd
 * content, pooling, p, scales, imsize); a rerun with the same settings skips what is there (a
 * torn last record is cut), other settings start afresh. The output is written atomically at the
 * end and the journal removed. Every input is checked before the first image is described.
 */
export interface ExtractImagesOptions {
  /** Dataset name: `<data root>/revisitop/<name>/gnd_<name>.pkl` and `jpg/`. */
  dataset: string;
  dataDir?: string;
  /** ONNX backbone: one float32 input `[1, 3, H, W]`, first output the feature map `[1, C, h, w]`. */
  backbone: string;
  pooling: Pooling;
  gemP?: number;
  scales?: readonly number[];
  imsize?: number;
  /** Whitening pickle `{'m': D x 1, 'P': d x D}` (cirtorch's Lw as a dict of numpy arrays). */
  whitening?: string;
  /** Learn PCA-whitening on these descriptors: `.npy` `[N, D]` or a pickle with `'db'` (`D x N`). */
  whitenOn?: string;
  /** Whitened dimensions kept (default all). */
  whitenDims?: number;
  /** Output `.pkl` or `.npy`; default `<data root>/revisitop/<name>/features/<type>.pkl`. */
  out?: string;
  /** Feature type naming the default output (a row of csa-supp/table1 such as r-gem). */
  type?: string;
  threads?: number;
  progress?: ProgressOptions;
}

export interface ExtractImagesResult {
  dataset: string;
  out: string[];
  db: number;
  queries: number;
  dim: number;
  /** Descriptors taken from an earlier, interrupted run. */
  resumed: number;
  settings: JournalSettings;
  whitening: { source: string; dims: number; written?: string } | null;
}

interface JournalSettings {
  backbone: string;
  gnd: string;
  pooling: Pooling;
  gemP: number;
  scales: number[];
  imsize: number;
}

/** A linear whitening x -> P (x - m), L2-normalised, in `PcaWhitening`'s shape (rows past `dims` unused). */
interface Whitening {
  w: PcaWhitening;
  dims: number;
  source: string;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function checkOptions(o: ExtractImagesOptions): { scales: number[]; imsize: number; gemP: number } {
  if (!POOLINGS.includes(o.pooling)) throw new InputError(`unknown pooling "${String(o.pooling)}"; expected ${POOLINGS.join(', ')}`, { at: '--pooling' });
  const scales = [...(o.scales ?? [1])];
  if (scales.length === 0 || scales.some((s) => !(s > 0 && s <= 1))) throw new InputError(`scales must be numbers in (0, 1], got ${scales.join(', ')}`, { at: '--scales' });
  const imsize = o.imsize ?? 1024;
  if (!Number.isInteger(imsize) || imsize < 1) throw new InputError(`--imsize must be a positive integer, got ${imsize}`, { at: '--imsize' });
  const gemP = o.gemP ?? 3;
  if (!(gemP > 0)) throw new InputError(`--gem-p must be positive, got ${gemP}`, { at: '--gem-p' });
  if (o.whitening !== undefined && o.whitenOn !== undefined) throw new InputError('give --whitening or --whiten-on, not both', { at: '--whiten-on' });
  if (o.whitenDims !== undefined && (!Number.isInteger(o.whitenDims) || o.whitenDims < 1)) throw new InputError(`--whiten-dims must be a positive integer, got ${o.whitenDims}`, { at: '--whiten-dims' });
  if (o.whitenDims !== undefined && o.whitening === undefined && o.whitenOn === undefined) throw new InputError('--whiten-dims needs --whitening or --whiten-on', { at: '--whiten-dims' });
  if (o.out !== undefined && !/\.(pkl|npy)$/.test(o.out)) throw new InputError(`the output must end in .pkl or .npy, got ${o.out}`, { at: '--out' });
  if (o.out === undefined && o.type === undefined) throw new InputError('name the output: --out <file.pkl|.npy> or --type <feature type> (writes <data root>/revisitop/<name>/features/<type>.pkl)', { at: '--out' });
  if (o.type !== undefined && !/^[A-Za-z0-9._+-]+$/.test(o.type)) throw new InputError(`--type must be a plain name, got ${JSON.stringify(o.type)}`, { at: '--type' });
  return { scales, imsize, gemP };
}

/** Every image file and query box exists and is usable, before any work. */
function checkDataset(ds: RevisitopDataset): void {
  for (let i = 0; i < ds.gnd.imlist.length; i++) if (!existsSync(ds.imagePath(i))) throw new InputError(`missing image ${ds.gnd.imlist[i]}.jpg of imlist[${i}]`, { file: ds.imagePath(i) });
  for (let q = 0; q < ds.gnd.qimlist.length; q++) {
    if (!existsSync(ds.queryImagePath(q))) throw new InputError(`missing query image ${ds.gnd.qimlist[q]}.jpg of qimlist[${q}]`, { file: ds.queryImagePath(q) });
    const bbx = ds.gnd.gnd[q]!.bbx;
    if (bbx.length !== 4) throw new InputError(`query ${q} has no bbx (cirtorch crops every query by gnd[q]['bbx'])`, { file: join(ds.dir, `gnd_${ds.name}.pkl`) });
  }
}

/** Open the backbone and describe a small image once, so that a wrong model fails before the run. */
async function openBackbone(file: string, o: { pooling: Pooling; gemP: number; scales: number[]; threads?: number }): Promise<{ ex: GlobalExtractor; dim: number; bytes: Uint8Array }> {
  if (!existsSync(file)) throw new InputError('missing ONNX backbone', { file, at: '--backbone' });
  const bytes = new Uint8Array(readFileSync(file));
  let ex: GlobalExtractor;
  try {
    ex = await GlobalExtractor.create(bytes, { pooling: o.pooling, gemP: o.gemP, scales: o.scales, ...(o.threads !== undefined ? { threads: o.threads } : {}) });
  } catch (e) {
    throw new InputError(`not a loadable ONNX model: ${(e as Error).message.split('\n')[0]}`, { file });
  }
  const probe = { width: 64, height: 64, channels: 3, data: new Uint8Array(64 * 64 * 3).fill(128) };
  try {
    const d = await ex.describe(probe);
    return { ex, dim: d.length, bytes };
  } catch (e) {
    await ex.release();
    throw new InputError(`the backbone must take one float32 image [1, 3, H, W] (H and W free) and output a feature map [1, C, h, w]; a 64 x 64 probe failed: ${(e as Error).message.split('\n')[0]}`, { file });
  }
}

function loadWhitening(o: ExtractImagesOptions, dim: number): Whitening | null {
  if (o.whitening !== undefined) {
    const file = o.whitening;
    const m = readFeatureDict(file, ['m'], { layout: 'columns' }).m!;
    const P = readFeatureDict(file, ['P'], { layout: 'rows' }).P!;
    if (m.count !== 1 || m.dim !== dim) throw new InputError(`'m' must be ${dim} x 1 (the descriptors' dimension), got ${m.dim} x ${m.count}`, { file });
    if (P.dim !== dim || P.count > dim) throw new InputError(`'P' must be d x ${dim} with d <= ${dim}, got ${P.count} x ${P.dim}`, { file });
    const projection = new Float64Array(dim * dim);
    projection.set(P.data);
    const dims = o.whitenDims ?? P.count;
    if (dims > P.count) throw new InputError(`--whiten-dims ${dims}, the whitening has ${P.count} rows`, { at: '--whiten-dims' });
    return { w: { dim, mean: Float64Array.from(m.data), projection, eigenvalues: new Float64Array(dim).fill(Number.NaN) }, dims, source: resolve(file) };
  }
  if (o.whitenOn !== undefined) {
    const file = o.whitenOn;
    const t = file.endsWith('.pkl') ? readFeatureDict(file, ['db'], { layout: 'columns' }).db! : readGlobalFeatures(file, { layout: 'rows' });
    if (t.dim !== dim) throw new InputError(`training descriptors have dimension ${t.dim}, the backbone gives ${dim}`, { file });
    const w = learnPcaWhitening(t.data, t.count, t.dim);
    const dims = o.whitenDims ?? dim;
    if (dims > dim) throw new InputError(`--whiten-dims ${dims}, the descriptors have ${dim}`, { at: '--whiten-dims' });
    return { w, dims, source: resolve(file) };
  }
  return null;
}

/** The journal: settings key (JSON) and fixed-size records (int32 index, D float32). */
class Journal {
  private readonly fd: number;
  readonly done = new Map<number, Float32Array>();
  private readonly recordBytes: number;
  private position: number;

  constructor(
    readonly base: string,
    settings: JournalSettings,
    private readonly dim: number,
  ) {
    this.recordBytes = 4 + 4 * dim;
    const keyFile = `${base}.partial.json`;
    const binFile = `${base}.partial.bin`;
    const key = JSON.stringify({ settings, dim });
    const same = existsSync(keyFile) && existsSync(binFile) && readFileSync(keyFile, 'utf8') === key;
    if (!same) {
      if (existsSync(keyFile) || existsSync(binFile)) log.warn(`${base}: an interrupted run with other settings is discarded`);
      rmSync(binFile, { force: true });
      writeFileAtomicSync(keyFile, key);
    }
    this.fd = openSync(binFile, same ? 'r+' : 'w+');
    const size = fstatSync(this.fd).size;
    const whole = Math.floor(size / this.recordBytes);
    if (whole > 0) {
      const buf = Buffer.alloc(whole * this.recordBytes);
      readSync(this.fd, buf, 0, buf.length, 0);
      for (let r = 0; r < whole; r++) {
        const o = r * this.recordBytes;
        const v = new Float32Array(dim);
        for (let k = 0; k < dim; k++) v[k] = buf.readFloatLE(o + 4 + 4 * k);
        this.done.set(buf.readInt32LE(o), v);
      }
    }
    // a record cut by a kill is dropped
    if (size !== whole * this.recordBytes) ftruncateSync(this.fd, whole * this.recordBytes);
    this.position = whole * this.recordBytes;
  }

  add(index: number, v: Float32Array): void {
    const buf = Buffer.alloc(this.recordBytes);
    buf.writeInt32LE(index, 0);
    for (let k = 0; k < this.dim; k++) buf.writeFloatLE(v[k]!, 4 + 4 * k);
    writeSync(this.fd, buf, 0, buf.length, this.position);
    this.position += buf.length;
    this.done.set(index, v);
  }

  close(): void {
    closeSync(this.fd);
  }

  remove(): void {
    rmSync(`${this.base}.partial.bin`, { force: true });
    rmSync(`${this.base}.partial.json`, { force: true });
  }
}

/** Columns `[D, n]` float32 of the first `dims` whitened (or raw) descriptors. */
function columns(rows: Float32Array, n: number, dim: number): Float32Array {
  const out = new Float32Array(dim * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) out[k * n + i] = rows[i * dim + k]!;
  return out;
}

export async function extractImageFeatures(o: ExtractImagesOptions): Promise<ExtractImagesResult> {
  const { scales, imsize, gemP } = checkOptions(o);
  const root = resolveDataRoot(o.dataDir !== undefined ? { dataDir: o.dataDir } : {});
  const ds = loadRevisitopDataset(join(root, 'revisitop'), o.dataset);
  checkDataset(ds);
  const out = resolve(o.out ?? join(ds.dir, 'features', `${o.type!}.pkl`));
  const { ex, dim, bytes } = await openBackbone(o.backbone, { pooling: o.pooling, gemP, scales, ...(o.threads !== undefined ? { threads: o.threads } : {}) });
  try {
    const whitening = loadWhitening(o, dim);
    const N = ds.gnd.imlist.length;
    const Q = ds.gnd.qimlist.length;
    const settings: JournalSettings = { backbone: sha256(bytes), gnd: sha256(readFileSync(join(ds.dir, `gnd_${ds.name}.pkl`))), pooling: o.pooling, gemP, scales, imsize };
    ensureDir(dirname(out));
    const journal = new Journal(out, settings, dim);
    const resumed = journal.done.size;
    if (resumed > 0) log.info(`${out}: resuming, ${resumed} of ${N + Q} descriptor(s) already computed`);
    const progress = createProgress(`${ds.name} ${o.pooling}`, N + Q, o.progress ?? {});
    progress.tick(resumed);
    try {
      for (let i = 0; i < N + Q; i++) {
        if (journal.done.has(i)) continue;
        const q = i - N;
        const file = q < 0 ? ds.imagePath(i) : ds.queryImagePath(q);
        let img = await readJpegRgb(file);
        if (q >= 0) img = cropQuery(img, ds.gnd.gnd[q]!.bbx, 'python') as typeof img;
        img = pillowThumbnail(img, imsize);
        let v: Float32Array;
        try {
          v = await ex.describe({ width: img.width, height: img.height, channels: 3, data: img.data });
        } catch (e) {
          // e.g. an image too small for the backbone at the smallest scale
          throw new InputError(`cannot describe the ${img.width} x ${img.height} ${q < 0 ? 'image' : 'query crop'}: ${(e as Error).message.split('\n')[0]}`, { file });
        }
        journal.add(i, v);
        progress.tick();
      }
    } finally {
      progress.done();
      journal.close();
    }
    const rows = (from: number, n: number): Float32Array => {
      const r = new Float32Array(n * dim);
      for (let i = 0; i < n; i++) r.set(journal.done.get(from + i)!, i * dim);
      return whitening === null ? r : applyWhitening(whitening.w, r, n, whitening.dims);
    };
    const D = whitening === null ? dim : whitening.dims;
    const db = rows(0, N);
    const query = rows(N, Q);
    const files: string[] = [];
    if (out.endsWith('.npy')) {
      const stem = out.slice(0, -4);
      writeNpy(`${stem}_query.npy`, { data: query, shape: [Q, D] });
      writeNpy(`${stem}_db.npy`, { data: db, shape: [N, D] });
      files.push(`${stem}_db.npy`, `${stem}_query.npy`);
    } else {
      writeFileAtomicSync(out, encodePickle({ db: new NumpyArray(columns(db, N, D), [D, N]), query: new NumpyArray(columns(query, Q, D), [D, Q]) }));
      files.push(out);
    }
    let wInfo: ExtractImagesResult['whitening'] = null;
    if (whitening !== null) {
      wInfo = { source: whitening.source, dims: whitening.dims };
      if (o.whitenOn !== undefined) {
        // the learned whitening, reusable with --whitening: {'m': D x 1, 'P': D x D}
        const lw = out.replace(/\.(pkl|npy)$/, '.lw.pkl');
        writeFileAtomicSync(lw, encodePickle({ m: new NumpyArray(Float64Array.from(whitening.w.mean), [dim, 1]), P: new NumpyArray(Float64Array.from(whitening.w.projection), [dim, dim]) }));
        wInfo.written = lw;
      }
    }
    journal.remove();
    return { dataset: ds.name, out: files, db: N, queries: Q, dim: D, resumed, settings, whitening: wInfo };
  } finally {
    await ex.release();
  }
}
