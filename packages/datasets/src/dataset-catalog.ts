import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, Registry } from '@descbench/core';

/**
 * The datasets `bench fetch` knows: official download URLs (as the reference code uses them),
 * where each file goes under the data root, and the integrity facts we actually have. An md5 is
 * given only where a reference loader publishes it (torchvision PhotoTour); no sha256 is
 * published for any of these files, so none is listed -- the fetcher computes the sha256 of what
 * it downloaded and records it in the manifest, it never invents one. Sizes are likewise unknown
 * unless stated.
 */
export interface RemoteFile {
  url: string;
  /** Path of the downloaded file under the dataset folder (archives are removed after extraction). */
  file: string;
  /** Expected size in bytes, when published. */
  bytes?: number;
  sha256?: string;
  md5?: string;
  /** Unpack into the dataset folder (`zip`, `tar.gz`), or keep as is. */
  extract?: 'zip' | 'tar.gz';
  /** For tarballs whose files sit in sub-folders, move every file up into `flattenTo` (revisitop jpg/). */
  flattenTo?: string;
}

export interface CatalogEntry {
  name: string;
  description: string;
  /** Folder under the data root. */
  dir: string;
  files: RemoteFile[];
  /** Relative paths (under `dir`) whose presence means the dataset is there. */
  present: string[];
  /** Where the URLs come from. */
  source: string;
}

const ubc = (name: string, md5: string): CatalogEntry => ({
  name: `ubc-${name}`,
  description: `UBC PhotoTour ${name} (64x64 patch tiles, info.txt, m50 pair files)`,
  dir: join('phototour', name),
  files: [{ url: `http://icvl.ee.ic.ac.uk/vbalnt/${name}.zip`, file: `${name}.zip`, md5, extract: 'zip' }],
  present: ['info.txt', 'm50_100000_100000_0.txt', 'patches0000.bmp'],
  source: 'torchvision.datasets.PhotoTour (URL and md5)',
});

const revisitop = (name: string, archives: string[], host: string): CatalogEntry => ({
  name,
  description: `Revisited ${name === 'roxford5k' ? 'Oxford' : 'Paris'} images and ground truth`,
  dir: join('revisitop', name),
  files: [
    { url: `http://cmp.felk.cvut.cz/revisitop/data/datasets/${name}/gnd_${name}.pkl`, file: `gnd_${name}.pkl` },
    ...archives.map((a): RemoteFile => ({ url: `${host}/${a}`, file: join('jpg', a), extract: 'tar.gz', flattenTo: 'jpg' })),
  ],
  present: [`gnd_${name}.pkl`, 'jpg'],
  source: 'filipradenovic/revisitop python/download.py and cnnimageretrieval-pytorch (gnd .pkl)',
});

export const DATASET_CATALOG: readonly CatalogEntry[] = [
  ubc('liberty', 'fdd9152f138ea5ef2091746689176414'),
  ubc('notredame', '509eda8535847b8c0a90bbb210c83484'),
  ubc('yosemite', '533b2e8eb7ede31be40abc317b2fd4f0'),
  {
    name: 'hpatches',
    description: 'HPatches patch release (65x65 strips per sequence; ~4.2 GB)',
    dir: 'hpatches',
    files: [{ url: 'http://icvl.ee.ic.ac.uk/vbalnt/hpatches/hpatches-release.tar.gz', file: 'hpatches-release.tar.gz', extract: 'tar.gz' }],
    present: ['hpatches-release'],
    source: 'hpatches/hpatches-benchmark download.sh',
  },
  {
    name: 'hpatches-sequences',
    description: 'HPatches full image sequences (1..6.ppm, H_1_k)',
    dir: 'hpatches',
    files: [{ url: 'http://icvl.ee.ic.ac.uk/vbalnt/hpatches/hpatches-sequences-release.tar.gz', file: 'hpatches-sequences-release.tar.gz', extract: 'tar.gz' }],
    present: ['hpatches-sequences-release'],
    source: 'hpatches/hpatches-dataset README',
  },
  {
    name: 'hpatches-tasks',
    description: 'HPatches benchmark task definitions: splits.json, and per split (a, b, c, full, illum, view) the verification pair lists (1M rows each) and the retrieval query / distractor lists',
    dir: join('hpatches', 'tasks'),
    files: [
      { url: 'https://raw.githubusercontent.com/hpatches/hpatches-benchmark/master/tasks/splits/splits.json', file: 'splits.json' },
      ...['a', 'b', 'c', 'full', 'illum', 'view'].flatMap((s) =>
        ['verif_pos', 'verif_neg_intra', 'verif_neg_inter', 'retr_queries', 'retr_distractors'].map(
          (k): RemoteFile => ({ url: `https://raw.githubusercontent.com/hpatches/hpatches-benchmark/master/tasks/${k}_split-${s}.csv`, file: `${k}_split-${s}.csv` }),
        ),
      ),
    ],
    // every kind of list, so that an older fetch of splits.json and split a's retrieval lists alone is not taken for the full set
    present: ['splits.json', 'verif_pos_split-full.csv', 'retr_queries_split-full.csv'],
    source: 'hpatches/hpatches-benchmark tasks/',
  },
  revisitop('roxford5k', ['oxbuild_images-v1.tgz'], 'http://www.robots.ox.ac.uk/~vgg/data/oxbuildings'),
  revisitop('rparis6k', ['paris_1-v1.tgz', 'paris_2-v1.tgz'], 'http://www.robots.ox.ac.uk/~vgg/data/parisbuildings'),
  {
    name: 'revisitop1m',
    description: 'R1M distractors: 1,001,001 images in 100 archives plus the image list',
    dir: join('revisitop', 'revisitop1m'),
    files: [
      { url: 'http://ptak.felk.cvut.cz/revisitop/revisitop1m/revisitop1m.txt', file: 'revisitop1m.txt' },
      ...Array.from({ length: 100 }, (_, i): RemoteFile => ({
        url: `http://ptak.felk.cvut.cz/revisitop/revisitop1m/jpg/revisitop1m.${i + 1}.tar.gz`,
        file: join('jpg', `revisitop1m.${i + 1}.tar.gz`),
        extract: 'tar.gz',
      })),
    ],
    present: ['revisitop1m.txt', 'jpg'],
    source: 'filipradenovic/revisitop python/download.py',
  },
  {
    name: 'rsfm120k',
    description: 'retrieval-SfM-120k metadata (train/val cids, cluster, qidxs, pidxs)',
    dir: join('rsfm120k'),
    files: [{ url: 'http://cmp.felk.cvut.cz/cnnimageretrieval/data/train/dbs/retrieval-SfM-120k.pkl', file: 'retrieval-SfM-120k.pkl' }],
    present: ['retrieval-SfM-120k.pkl'],
    source: 'filipradenovic/cnnimageretrieval-pytorch cirtorch/utils/download.py',
  },
  {
    name: 'rsfm120k-images',
    description: 'retrieval-SfM-120k images (ims.tar.gz)',
    dir: join('rsfm120k', 'ims'),
    files: [{ url: 'http://cmp.felk.cvut.cz/cnnimageretrieval/data/train/ims/ims.tar.gz', file: 'ims.tar.gz', extract: 'tar.gz' }],
    present: ['.'],
    source: 'filipradenovic/cnnimageretrieval-pytorch cirtorch/utils/download.py',
  },
];

/** The catalog as a Registry (unknown names fail with near-miss suggestions, exit code 2). */
export function catalogRegistry(catalog: readonly CatalogEntry[] = DATASET_CATALOG): Registry<CatalogEntry> {
  const r = new Registry<CatalogEntry>('dataset');
  for (const e of catalog) r.register(e.name, e);
  return r;
}

export function findCatalogEntry(name: string, catalog: readonly CatalogEntry[] = DATASET_CATALOG): CatalogEntry {
  return catalogRegistry(catalog).get(name);
}

/** True when every `present` path of the entry exists under the data root. */
export function isDatasetPresent(root: string, e: CatalogEntry): boolean {
  return e.present.every((p) => existsSync(join(root, e.dir, p)));
}

/** The folder of a dataset, or an InputError saying what is missing and how to fetch it. */
export function requireDataset(root: string, name: string, catalog: readonly CatalogEntry[] = DATASET_CATALOG): string {
  const e = findCatalogEntry(name, catalog);
  const dir = join(root, e.dir);
  const missing = e.present.filter((p) => !existsSync(join(dir, p)));
  if (missing.length > 0) {
    throw new InputError(
      `dataset ${name} is missing (${missing.map((m) => join(dir, m)).join(', ')} not found); fetch it with: pnpm bench fetch ${name} --data-dir ${root}`,
    );
  }
  return dir;
}
