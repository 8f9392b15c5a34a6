/** One internal inconsistency of a reference table, with where it is and both numbers. */
export interface Finding {
  table: string;
  rule: string;
  /** Index of the check in table.json's `checks`. */
  check: number;
  row?: string;
  column?: string;
  /** The number as the document prints it. */
  stated: string;
  /** What the rule computes from the other printed numbers (or from the released code). */
  computed: string;
  message: string;
}

/** Print a computed value with two more decimals than the stated one, trimmed. */
export function formatComputed(v: number, statedDecimals: number): string {
  if (Number.isInteger(v) && statedDecimals === 0) return String(v);
  return String(Number(v.toFixed(statedDecimals + 2)));
}
