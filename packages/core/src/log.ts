/**
 * Logging goes to stderr, always: stdout belongs to results (`--json` prints only JSON there).
 */
export type LogLevel = 'quiet' | 'info' | 'debug';

let level: LogLevel = 'info';

export function setLogLevel(l: LogLevel): void {
  level = l;
}

export const log = {
  info(msg: string): void {
    if (level !== 'quiet') process.stderr.write(`${msg}\n`);
  },
  warn(msg: string): void {
    process.stderr.write(`warning: ${msg}\n`);
  },
  debug(msg: string): void {
    if (level === 'debug') process.stderr.write(`debug: ${msg}\n`);
  },
};
