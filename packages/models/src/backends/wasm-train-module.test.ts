import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAIN_KERNELS_WASM } from './wasm-train-module';

/** The clang that built the committed .wasm (build.sh names it); another version emits other bytes. */
const CLANG = 'Debian clang version 14.';

function clangVersion(): string | undefined {
  try {
    return execFileSync('clang', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

const version = clangVersion();
const canBuild = version?.startsWith(CLANG) === true;
if (!canBuild) process.stderr.write(`skipped: train-kernels.wasm rebuilt from its sources: ${version === undefined ? 'clang is absent (apt install clang lld)' : `clang is not ${CLANG}x`}\n`);

describe('train-kernels.wasm', () => {
  test('is a wasm module exporting the kernels and importing one memory', () => {
    const api = (globalThis as unknown as { WebAssembly: { Module: { new (b: Uint8Array): object; imports(m: object): { name: string; kind: string }[]; exports(m: object): { name: string }[] } } }).WebAssembly;
    const m = new api.Module(readFileSync(TRAIN_KERNELS_WASM));
    expect(api.Module.imports(m)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(api.Module.exports(m).map((e) => e.name).sort()).toEqual(['__stack_pointer', 'batch_matmul', 'batch_norm_train', 'batch_norm_train_grad', 'block_sum', 'conv_filter_grad', 'conv_forward', 'conv_input_grad']);
  });

  (canBuild ? test : test.skip)('the committed .wasm is what build.sh makes from the C sources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-kernels-'));
    try {
      const out = join(dir, 'train-kernels.wasm');
      execFileSync('sh', [join(TRAIN_KERNELS_WASM, '..', 'build.sh'), out], { stdio: 'ignore' });
      expect(readFileSync(out).equals(readFileSync(TRAIN_KERNELS_WASM))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
