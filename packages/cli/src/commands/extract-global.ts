import { extractImageFeatures } from '@descbench/runner';
import type { CommandFactory } from './index';

const MULTI = [1, 1 / Math.SQRT2, 1 / 2];

/** `bench extract-global <dataset>`: global descriptors of a revisitop dataset's JPEGs (cirtorch's protocol) for `bench roxf|rpar`. */
export const extractGlobalCommand: CommandFactory = () => ({
  command: 'extract-global <dataset>',
  describe:
    "Global descriptors of revisited Oxford / Paris images (jpg/ beside gnd_<name>.pkl) with an ONNX backbone, by cirtorch's protocol " +
    '(PIL decoding, query crops by bbx, thumbnail to --imsize with Lanczos, ImageNet normalisation, pooling, L2, scales, whitening); ' +
    "writes {'db': D x N, 'query': D x Q} for bench roxf|rpar; resumes an interrupted run",
  builder: (y) =>
    y
      .positional('dataset', { type: 'string', describe: 'roxford5k or rparis6k (any <name> with <data root>/revisitop/<name>/gnd_<name>.pkl)' })
      .option('backbone', { type: 'string', demandOption: true, describe: 'ONNX model: float32 image [1, 3, H, W] in, feature map [1, C, h, w] out' })
      .option('pooling', { choices: ['gem', 'mac', 'rmac'] as const, default: 'gem' as const, describe: 'GeM (p = --gem-p), MAC or R-MAC (L = 3)' })
      .option('gem-p', { type: 'number', default: 3, describe: 'GeM exponent p (also the multi-scale power mean exponent)' })
      .option('scales', { type: 'string', default: '1', describe: "Comma-separated scales, or 'ms' for 1, 1/sqrt(2), 1/2" })
      .option('imsize', { type: 'number', default: 1024, describe: 'Larger side after the thumbnail (cirtorch --image-size)' })
      .option('whitening', { type: 'string', describe: "Whitening pickle {'m': D x 1, 'P': d x D} applied as cirtorch's whitenapply" })
      .option('whiten-on', { type: 'string', describe: "Learn PCA-whitening on these descriptors (.npy [N, D] or a pickle with 'db': D x N); written to <out>.lw.pkl" })
      .option('whiten-dims', { type: 'number', describe: 'Whitened dimensions kept (default all)' })
      .option('type', { type: 'string', describe: 'Feature type: writes <data root>/revisitop/<dataset>/features/<type>.pkl (bench roxf|rpar read it)' })
      .option('out', { type: 'string', describe: 'Output .pkl, or .npy for <stem>_db.npy and <stem>_query.npy ([N, D])' })
      .option('data-dir', { type: 'string', describe: 'Data root (default: $DESCBENCH_DATA, else ~/.cache/descbench)' })
      .option('threads', { type: 'number', describe: 'onnxruntime intra-op threads' })
      .option('json', { type: 'boolean', default: false, describe: 'Print only JSON on stdout' }),
  handler: async (a: {
    dataset: string; backbone: string; pooling: 'gem' | 'mac' | 'rmac'; gemP: number; scales: string; imsize: number; whitening?: string; whitenOn?: string;
    whitenDims?: number; type?: string; out?: string; dataDir?: string; threads?: number; json: boolean;
  }) => {
    const scales = a.scales === 'ms' ? MULTI : a.scales.split(',').map((s) => Number(s.trim()));
    const r = await extractImageFeatures({
      dataset: a.dataset, backbone: a.backbone, pooling: a.pooling, gemP: a.gemP, scales, imsize: a.imsize,
      ...(a.whitening !== undefined ? { whitening: a.whitening } : {}), ...(a.whitenOn !== undefined ? { whitenOn: a.whitenOn } : {}),
      ...(a.whitenDims !== undefined ? { whitenDims: a.whitenDims } : {}), ...(a.type !== undefined ? { type: a.type } : {}), ...(a.out !== undefined ? { out: a.out } : {}),
      ...(a.dataDir !== undefined ? { dataDir: a.dataDir } : {}), ...(a.threads !== undefined ? { threads: a.threads } : {}),
    });
    if (a.json) {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      return;
    }
    const w = r.whitening === null ? '' : `, whitened to ${r.whitening.dims} dims${r.whitening.written !== undefined ? ` (learned: ${r.whitening.written})` : ''}`;
    process.stdout.write(`${r.dataset}: ${r.db} database and ${r.queries} query descriptor(s) of dimension ${r.dim}${w}${r.resumed > 0 ? `, ${r.resumed} from an interrupted run` : ''} -> ${r.out.join(', ')}\n`);
  },
});
