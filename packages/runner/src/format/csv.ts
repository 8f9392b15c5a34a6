import { stringify } from 'csv-stringify/sync';

/** CSV text (RFC 4180 quoting by csv-stringify) with a header row. */
export function csvTable(header: string[], rows: (string | number | undefined)[][]): string {
  return stringify([header, ...rows.map((r) => r.map((c) => (c === undefined ? '' : c)))]);
}
