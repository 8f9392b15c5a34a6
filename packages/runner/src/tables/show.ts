import type { Registry } from '@descbench/core';
import { csvTable } from '../format/csv';
import { markdownTable } from '../format/markdown';
import { formatPrinted } from '../format/value';
import { STD_SUFFIX, type ReferenceTable } from './reference-table';

export type ShowFormat = 'md' | 'csv' | 'json';

/** Column header as printed: the group over it (e.g. `Train Liberty`) and its own label. */
function headerLabel(group: string | undefined, label: string, unit: string | undefined): string {
  const u = unit !== undefined && unit !== '' && unit !== 'count' ? ` (${unit})` : '';
  return `${group !== undefined ? `${group} ` : ''}${label}${u}`.trim();
}

/** `bench show`: the reference table as the paper prints it, with its provenance. */
export function showTable(catalog: Registry<ReferenceTable>, id: string, format: ShowFormat): string {
  const t = catalog.get(id);
  const s = t.spec;
  const cols = s.columns;
  if (format === 'json') {
    const rows = [...t.rows.values()].map((r) => ({
      row: r.spec.id,
      label: r.spec.label,
      ...(r.spec.group !== undefined ? { group: r.spec.group } : {}),
      cells: Object.fromEntries(
        cols.flatMap((c): [string, unknown][] => {
          if (c.type === 'text') return r.texts.has(c.id) ? [[c.id, r.texts.get(c.id)]] : [];
          const v = r.cells.get(c.id);
          if (v === undefined) return [];
          const sd = r.stds.get(c.id);
          return [[c.id, { value: v.value, printed: v.text, ...(sd !== undefined ? { std: sd.value } : {}) }]];
        }),
      ),
    }));
    return JSON.stringify({ ...s, rows_data: rows }, null, 2);
  }
  if (format === 'csv') {
    const header = ['row', 'label', ...cols.flatMap((c) => (c.std ? [c.id, c.id + STD_SUFFIX] : [c.id]))];
    const rows = [...t.rows.values()].map((r) => [
      r.spec.id,
      r.spec.label,
      ...cols.flatMap((c) => {
        if (c.type === 'text') return [r.texts.get(c.id) ?? ''];
        const v = r.cells.get(c.id)?.text ?? '';
        return c.std ? [v, r.stds.get(c.id)?.text ?? ''] : [v];
      }),
    ]);
    return csvTable(header, rows);
  }
  const lines = [
    `${s.paper} -- ${s.number}: ${s.title}`,
    `source: ${s.paper}, document ${s.document}; ${s.kind}; seeds: ${s.seeds}${s.metric ? `; metric: ${s.metric.name}${s.metric.unit ? ` (${s.metric.unit})` : ''}${s.metric.convention ? `, ${s.metric.convention} convention` : ''}` : ''}`,
  ];
  if (s.caption !== undefined) lines.push(`caption: ${s.caption}`);
  if (s.plotted !== undefined) lines.push(`plotted: ${s.plotted}`);
  if (t.rows.size > 0 && cols.length > 0 && t.hasReferenceCsv) {
    const header = ['', ...cols.map((c) => headerLabel(c.group, c.label, c.unit))];
    let group: string | undefined;
    const body: string[][] = [];
    for (const r of t.rows.values()) {
      if (r.spec.group !== undefined && r.spec.group !== group) {
        group = r.spec.group;
        body.push([`**${group}**`, ...cols.map(() => '')]);
      }
      body.push([r.spec.label, ...cols.map((c) => (c.type === 'text' ? (r.texts.get(c.id) ?? '') : formatPrinted(r.cells.get(c.id), r.stds.get(c.id))))]);
    }
    lines.push('', markdownTable(header, body));
  }
  if (s.claims.length > 0) {
    lines.push('', 'Stated in the text:');
    for (const c of s.claims) lines.push(`- ${c.text}${c.value !== undefined ? ` [${c.value}${c.unit ? ` ${c.unit}` : ''}]` : ''}${c.about ? ` (${c.about})` : ''}`);
  }
  if (s.notes.length > 0) {
    lines.push('', 'Transcription notes:');
    for (const n of s.notes) lines.push(`- ${n}`);
  }
  return lines.join('\n');
}
