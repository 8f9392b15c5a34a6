import { InputError } from '@descbench/core';
import { DATASET_CATALOG, datasetStatus, fetchDataset, resolveDataRoot, type CatalogEntry, type FetchResult } from '@descbench/datasets';

export interface FetchDatasetsOptions {
  /** Catalog names (see `DATASET_CATALOG`); empty with `list` prints the status only. */
  datasets: string[];
  dataDir?: string;
  force?: boolean;
  list?: boolean;
  progress?: boolean;
  /** Another catalog (tests, mirrors). */
  catalog?: readonly CatalogEntry[];
}

export interface FetchDatasetsReport {
  root: string;
  fetched: FetchResult[];
  status: { name: string; present: boolean; dir: string; description: string }[];
}

/**
 * `bench fetch <dataset..> [--data-dir DIR]`: download the named datasets into the data root
 * (`--data-dir`, else $DESCBENCH_DATA, else ~/.cache/descbench), one after another, and report
 * what is present afterwards.
 */
export async function fetchDatasets(o: FetchDatasetsOptions): Promise<FetchDatasetsReport> {
  const catalog = o.catalog ?? DATASET_CATALOG;
  const root = resolveDataRoot(o.dataDir !== undefined ? { dataDir: o.dataDir } : {});
  if (o.datasets.length === 0 && !o.list) {
    throw new InputError(`name at least one dataset to fetch (or --list); known: ${catalog.map((c) => c.name).join(', ')}`);
  }
  const fetched: FetchResult[] = [];
  for (const name of o.datasets) {
    fetched.push(await fetchDataset(name, { dataDir: root, catalog, force: o.force ?? false, progress: o.progress ?? true }));
  }
  return { root, fetched, status: datasetStatus(root, catalog) };
}
