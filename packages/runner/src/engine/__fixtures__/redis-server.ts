import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Gate and helper for tests with a real Redis: Debian's `redis-server` started on 127.0.0.1 with
 * a free port and a temporary folder (no persistence). Where it is not installed, the gated tests
 * skip with one line on stderr.
 */
export function redisGate(what: string): { describe: jest.Describe; available: boolean } {
  const available = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!available) process.stderr.write(`skipped: ${what}: redis-server is not installed (Debian: apt-get install redis-server)\n`);
  return { describe: available ? describe : describe.skip, available };
}

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'descbench-redis-'));
  const proc: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const t0 = Date.now();
    const check = (): void => {
      if (/Ready to accept connections/.test(out)) resolve();
      else if (proc.exitCode !== null) reject(new Error(`redis-server exited: ${out}`));
      else if (Date.now() - t0 > 15_000) reject(new Error(`redis-server did not start: ${out}`));
      else setTimeout(check, 50);
    };
    check();
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
