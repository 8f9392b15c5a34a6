/**
 * Errors that the CLI maps to exit codes.
 *
 * `InputError` is for anything a user handed us that is wrong (a file, a line, a field, a flag):
 * the CLI prints its one-line message and exits with code 2. Anything else is a bug (exit 1).
 */

/** Where in an input a problem was found; every part is optional but the more the better. */
export interface InputLocation {
  file?: string;
  /** 1-based line number in a text file. */
  line?: number;
  /** Row label or index in a table. */
  row?: string | number;
  /** Column name or index in a table. */
  column?: string | number;
  /** Byte offset in a binary file. */
  offset?: number;
  /** Any other position worth naming, e.g. `query 12` or `patch 4096`. */
  at?: string;
}

export class InputError extends Error {
  override readonly name = 'InputError';
  readonly exitCode = 2;
  constructor(
    readonly detail: string,
    readonly location: InputLocation = {},
  ) {
    super(formatInputError(detail, location));
  }
}

/** `file:line: row "x", column "y": detail` -- always one line. */
export function formatInputError(detail: string, loc: InputLocation): string {
  const head: string[] = [];
  if (loc.file !== undefined) head.push(loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file);
  else if (loc.line !== undefined) head.push(`line ${loc.line}`);
  if (loc.offset !== undefined) head.push(`byte ${loc.offset}`);
  if (loc.row !== undefined) head.push(`row ${JSON.stringify(String(loc.row))}`);
  if (loc.column !== undefined) head.push(`column ${JSON.stringify(String(loc.column))}`);
  if (loc.at !== undefined) head.push(loc.at);
  const oneLine = detail.replace(/\s*\n\s*/g, ' ');
  return head.length > 0 ? `${head.join(', ')}: ${oneLine}` : oneLine;
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError || (e instanceof Error && e.name === 'InputError');
}
