import { Registry } from '@descbench/core';
import { csaAblationKind } from './kinds/csa-ablation';
import { gradientsKind } from './kinds/gradients';
import { hpatchesKind } from './kinds/hpatches';
import { howAsmkKind } from './kinds/how-asmk';
import { retrievalKind } from './kinds/retrieval';
import { ubcKind } from './kinds/ubc';
import type { CellContext, CellSpec, CellValue, TableKind } from './types';

/**
 * The table kinds this project can replay, registered explicitly here (no import side effects):
 * one line per kind. `bench list` and `bench replay` ask this registry what replays.
 */
const BUILTIN_KINDS: TableKind[] = [ubcKind, retrievalKind, csaAblationKind, hpatchesKind, gradientsKind, howAsmkKind];

let registry: Registry<TableKind> | undefined;

/** Whether a kind is one of the built-in ones (which every pool process and remote worker knows). */
export function isBuiltinKind(id: string): boolean {
  return BUILTIN_KINDS.some((k) => k.id === id && tableKinds().has(id) && tableKinds().get(id) === k);
}

/** The registry of table kinds (built on first use with the built-in kinds). */
export function tableKinds(): Registry<TableKind> {
  if (registry === undefined) {
    registry = new Registry<TableKind>('table kind');
    for (const k of BUILTIN_KINDS) addKind(registry, k);
  }
  return registry;
}

/** Register a kind; a table may belong to one kind only. */
export function registerTableKind(kind: TableKind): void {
  addKind(tableKinds(), kind);
}

function addKind(r: Registry<TableKind>, kind: TableKind): void {
  for (const id of kind.tables) {
    const owner = r.names().find((n) => r.get(n).tables.includes(id));
    if (owner !== undefined) throw new Error(`table ${id} is already replayed by kind "${owner}"; kind "${kind.id}" cannot claim it`);
  }
  r.register(kind.id, kind);
}

/** The kind that replays a table, if any. */
export function kindForTable(tableId: string): TableKind | undefined {
  const r = tableKinds();
  for (const n of r.names()) {
    const k = r.get(n);
    if (k.tables.includes(tableId)) return k;
  }
  return undefined;
}

/**
 * Compute one cell: look up its kind and run it. This is what every executor calls (inline, a
 * child process, a remote worker); the worker's name is stamped into the value's extra.
 */
export async function computeCell(spec: CellSpec, ctx: CellContext): Promise<CellValue> {
  const v = await tableKinds().get(spec.kind).compute(spec, ctx);
  return { ...v, extra: { ...(v.extra ?? {}), worker: ctx.worker } };
}
