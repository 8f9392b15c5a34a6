import { SingleBar, Presets } from 'cli-progress';

/**
 * Progress of long work: a bar with ETA on a terminal (cli-progress), plain lines elsewhere
 * (CI, pipes), at most one line per `plainEverySec` seconds plus the last. Always on stderr.
 */
export interface Progress {
  tick(n?: number): void;
  done(): void;
}

export interface ProgressOptions {
  /** Force the plain-line mode (default: plain unless stderr is a TTY and CI is unset). */
  plain?: boolean;
  plainEverySec?: number;
  /** Where plain lines go; defaults to stderr. */
  write?: (line: string) => void;
  now?: () => number;
}

export function createProgress(label: string, total: number, o: ProgressOptions = {}): Progress {
  const plain = o.plain ?? (!process.stderr.isTTY || Boolean(process.env.CI));
  if (!plain) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% {value}/{total} ETA {eta_formatted}`, stream: process.stderr },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    return { tick: (n = 1) => bar.increment(n), done: () => bar.stop() };
  }
  const write = o.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = o.now ?? Date.now;
  const every = (o.plainEverySec ?? 10) * 1000;
  const start = now();
  let value = 0;
  let last = -Infinity;
  const line = (): string => {
    const elapsed = (now() - start) / 1000;
    const pct = total > 0 ? (100 * value) / total : 100;
    const eta = value > 0 && total > value ? ((total - value) * elapsed) / value : 0;
    return `${label}: ${value}/${total} (${pct.toFixed(1)}%) elapsed ${elapsed.toFixed(1)}s eta ${eta.toFixed(1)}s`;
  };
  return {
    tick(n = 1) {
      value += n;
      const t = now();
      if (t - last >= every && value < total) {
        last = t;
        write(line());
      }
    },
    done() {
      write(line());
    },
  };
}
