import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAIN_KERNELS_FMA_WASM, TRAIN_KERNELS_WASM, trainKernelsBuild } from './wasm-train-module';

/** The clang that built the committed .wasm files (build.sh names it); another version emits other bytes. */
const CLANG = 'Debian clang version 16.';
const CC = 'clang-16';

function clangVersion(): string | undefined {
  try {
    return execFileSync(CC, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

const version = clangVersion();
const canBuild = version?.startsWith(CLANG) === true;
if (!canBuild) process.stderr.write(`skipped: train-kernels.wasm rebuilt from its sources: ${version === undefined ? `${CC} is absent (apt install clang-16 lld-16)` : `clang is not ${CLANG}x`}\n`);

describe('train-kernels.wasm', () => {
  test.each([TRAIN_KERNELS_WASM, TRAIN_KERNELS_FMA_WASM])('%s is a wasm module exporting the kernels and importing one memory', (file) => {
    const kind = trainKernelsBuild(); // turns relaxed SIMD on where the runtime has it behind a flag
    const api = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean; Module: { new (b: Uint8Array): object; imports(m: object): { name: string; kind: string }[]; exports(m: object): { name: string }[] } } }).WebAssembly;
    const bytes = readFileSync(file);
    if (file === TRAIN_KERNELS_FMA_WASM && kind !== 'fma') return expect(process.env.DESCBENCH_WASM_FMA === '0' || !api.validate(bytes)).toBe(true);
    const m = new api.Module(bytes);
    expect(api.Module.imports(m)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(api.Module.exports(m).map((e) => e.name).sort()).toEqual(['__stack_pointer', 'batch_matmul', 'batch_norm_train', 'batch_norm_train_grad', 'block_sum', 'conv_filter_grad', 'conv_forward', 'conv_input_grad']);
  });

  test('Node 20+ runs the relaxed-SIMD (fused multiply-add) build unless DESCBENCH_WASM_FMA=0', () => {
    expect(trainKernelsBuild()).toBe(process.env.DESCBENCH_WASM_FMA === '0' ? 'simd128' : 'fma');
  });

  (canBuild ? test : test.skip)('the committed .wasm files are what build.sh makes from the C sources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-kernels-'));
    try {
      execFileSync('sh', [join(TRAIN_KERNELS_WASM, '..', 'build.sh'), dir], { stdio: 'ignore' });
      expect(readFileSync(join(dir, 'train-kernels.wasm')).equals(readFileSync(TRAIN_KERNELS_WASM))).toBe(true);
      expect(readFileSync(join(dir, 'train-kernels-fma.wasm')).equals(readFileSync(TRAIN_KERNELS_FMA_WASM))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
