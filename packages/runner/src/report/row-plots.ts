import type { PlotSpec } from '../engine/types';
import type { AggregatedCell } from '../experiments/seed-table';
import type { ReferenceTable } from '../tables/reference-table';

/** Six significant digits: what the plots' data (and so the SVG's labels) carry. */
const sig = (v: number): number => Number(v.toPrecision(6));

/** A column as a reader knows it: its group and label (`Train Liberty / Test Notredame`). */
export function columnTitle(t: ReferenceTable, column: string): string {
  const c = t.numericColumns.find((x) => x.id === column);
  if (c === undefined) return column;
  return c.group ? `${c.group} ${c.label}` : c.label;
}

/** A short column name for plot axes: `liberty→notredame` for a train/test column, else its label. */
export function columnShort(t: ReferenceTable, column: string): string {
  const c = t.numericColumns.find((x) => x.id === column);
  if (c === undefined) return column;
  if (c.train !== undefined && c.test !== undefined) return `${c.train}→${c.test}`;
  // labels repeat across groups (CSA: "ROxf" under Medium and under Hard): then the group too
  const repeated = t.numericColumns.some((x) => x.id !== c.id && x.label === c.label);
  return repeated && c.group ? `${c.label} ${c.group}` : c.label;
}

function axisTitle(t: ReferenceTable, columns: string[]): string {
  const units = new Set(columns.map((id) => t.numericColumns.find((c) => c.id === id)?.unit).filter((u) => u !== undefined));
  const name = t.spec.metric?.name ?? 'value';
  return units.size === 1 ? `${name} (${[...units][0]})` : name;
}

const LEGEND = { domain: ['seed', 'ours: mean ± std', 'paper'], range: ['#8a8a8a', '#1f4e99', '#d62728'] };

/**
 * Per row: for each column, our mean with a ± std error bar, every seed as an open point, and the
 * paper's printed value as a red tick. `[{ id: 'row-<row>', ... }]`, in the table's row order.
 */
export function rowPlots(t: ReferenceTable, cells: AggregatedCell[]): PlotSpec[] {
  const rows = [...t.rows.keys()].filter((r) => cells.some((c) => c.row === r));
  // parameter counts (tens of thousands) beside percentages would flatten the metric's points: a
  // row plot draws the metric's columns; the table shows the counts
  const plotted = (c: AggregatedCell): boolean => t.numericColumns.find((x) => x.id === c.column)?.role !== 'param_count';
  return rows.map((row) => {
    const all = cells.filter((c) => c.row === row);
    const mine = all.some(plotted) ? all.filter(plotted) : all;
    const order = mine.map((c) => columnShort(t, c.column));
    const values: Record<string, unknown>[] = [];
    for (const c of mine) {
      const column = columnShort(t, c.column);
      c.values.forEach((v, i) => values.push({ column, what: 'seed', seed: c.seeds[i], value: sig(v) }));
      const std = c.std ?? 0;
      values.push({ column, what: 'ours: mean ± std', value: sig(c.mean), std: c.std === null ? null : sig(c.std), lo: sig(c.mean - std), hi: sig(c.mean + std) });
      const paper = t.rows.get(row)?.cells.get(c.column);
      if (paper !== undefined) values.push({ column, what: 'paper', value: paper.value });
    }
    const x = { field: 'column', type: 'nominal', sort: order, title: null, axis: { labelAngle: -30, labelLimit: 180 } };
    const color = { field: 'what', type: 'nominal', title: null, scale: LEGEND, legend: { orient: 'bottom' } };
    const label = t.rows.get(row)?.spec.label ?? row;
    return {
      id: `row-${row}`,
      title: label,
      vegaLite: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title: label,
        width: { step: 48 },
        height: 220,
        data: { values },
        encoding: { x },
        layer: [
          { transform: [{ filter: "datum.what === 'ours: mean ± std'" }], mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } },
          {
            transform: [{ filter: "datum.what === 'seed'" }],
            mark: { type: 'point', shape: 'circle', size: 36, filled: false, opacity: 0.9 },
            encoding: { y: { field: 'value', type: 'quantitative', title: axisTitle(t, mine.map((c) => c.column)) }, color, tooltip: [{ field: 'column' }, { field: 'seed' }, { field: 'value' }] },
          },
          {
            transform: [{ filter: "datum.what === 'ours: mean ± std'" }],
            mark: { type: 'point', shape: 'circle', size: 70, filled: true },
            encoding: { y: { field: 'value', type: 'quantitative' }, color, tooltip: [{ field: 'column' }, { field: 'value', title: 'mean' }, { field: 'std' }] },
          },
          {
            transform: [{ filter: "datum.what === 'paper'" }],
            mark: { type: 'tick', thickness: 2, size: 26 },
            encoding: { y: { field: 'value', type: 'quantitative' }, color, tooltip: [{ field: 'column' }, { field: 'value', title: 'paper' }] },
          },
        ],
      },
    };
  });
}

/**
 * A seed study: every seed's value per row, one panel per column, seeds as coloured points
 * joined across rows, so that a reader sees whether the ranking of rows holds seed by seed.
 * Undefined when no cell has more than one seed.
 */
export function perSeedPlot(t: ReferenceTable, cells: AggregatedCell[]): PlotSpec | undefined {
  if (!cells.some((c) => c.values.length > 1)) return undefined;
  const rowOrder = [...t.rows.keys()].filter((r) => cells.some((c) => c.row === r)).map((r) => t.rows.get(r)?.spec.label ?? r);
  const colOrder = [...new Set(cells.map((c) => columnShort(t, c.column)))];
  const values = cells.flatMap((c) =>
    c.values.map((v, i) => ({ row: t.rows.get(c.row)?.spec.label ?? c.row, column: columnShort(t, c.column), seed: `seed ${c.seeds[i]}`, value: sig(v) })),
  );
  return {
    id: 'per-seed',
    title: 'Per-seed values',
    vegaLite: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: 'Per-seed values (one line per seed across rows)',
      data: { values },
      facet: { field: 'column', type: 'nominal', sort: colOrder, title: null },
      // one line of panels when they fit a page (up to 7), else rows of 4
      columns: colOrder.length <= 7 ? colOrder.length : 4,
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: Math.max(120, 30 * rowOrder.length),
        height: 130,
        mark: { type: 'line', point: true, strokeWidth: 1, opacity: 0.8 },
        encoding: {
          x: { field: 'row', type: 'nominal', sort: rowOrder, title: null, axis: { labelAngle: -40, labelLimit: 140 } },
          y: { field: 'value', type: 'quantitative', title: axisTitle(t, cells.map((c) => c.column)), scale: { zero: false } },
          color: { field: 'seed', type: 'nominal', title: null, legend: { orient: 'bottom' } },
          tooltip: [{ field: 'row' }, { field: 'column' }, { field: 'seed' }, { field: 'value' }],
        },
      },
    },
  };
}
