import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..');

// The README's way to run a command; `--json` must leave only JSON on stdout and npm must not
// warn about the project's .npmrc on stderr.
test('`npx -y pnpm@9 bench list ... --json` prints only JSON on stdout and no npm config warning', () => {
  const r = spawnSync('npx', ['-y', 'pnpm@9', 'bench', 'list', 'hynet/*', '--json'], { cwd: repoRoot, encoding: 'utf8', timeout: 110000 });
  expect(r.stderr).not.toMatch(/Unknown project config/);
  expect(r.status).toBe(0);
  const rows = JSON.parse(r.stdout) as { id: string }[];
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((x) => x.id.startsWith('hynet/'))).toBe(true);
});
