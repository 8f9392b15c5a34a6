import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type * as tf from '@tensorflow/tfjs-core';

/** The compiled kernels (packages/models/wasm/*.c, built by build.sh beside them): SIMD128 multiply + add. */
export const TRAIN_KERNELS_WASM = join(__dirname, '..', '..', 'wasm', 'train-kernels.wasm');
/** The same sources built with relaxed SIMD: the GEMMs' products as fused multiply-adds. */
export const TRAIN_KERNELS_FMA_WASM = join(__dirname, '..', '..', 'wasm', 'train-kernels-fma.wasm');

const STACK_BYTES = 1 << 16;

type Geometry = [b: number, h: number, w: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number];

/** The module's exports; pointers are byte offsets in tfjs's wasm heap. */
export interface TrainKernels {
  conv_forward(x: number, w: number, y: number, col: number, ...g: [...Geometry, number]): void;
  conv_filter_grad(x: number, dy: number, dw: number, col: number, ...g: [...Geometry, number]): void;
  conv_input_grad(dy: number, w: number, dx: number, col: number, wt: number, ...g: [...Geometry, number]): void;
  batch_matmul(a: number, b: number, c: number, scratch: number, batch: number, m: number, k: number, n: number, ta: number, tb: number, sa: number, sb: number): void;
  block_sum(x: number, out: number, acc: number, outer: number, m: number, n: number, scale: number): void;
  batch_norm_train(x: number, y: number, mean: number, variance: number, rstd: number, acc: number, m: number, c: number, eps: number): void;
  batch_norm_train_grad(dy: number, y: number, rstd: number, dx: number, acc: number, md: number, m: number, c: number): void;
  __stack_pointer: { value: number };
}

/** The parts of tfjs's wasm backend used here: its emscripten module (heap, malloc) and tensor offsets. */
export interface WasmBackendLike {
  wasm: { asm: { memory: object }; _malloc(bytes: number): number; _free(ptr: number): void };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** The WebAssembly API as used here (Node has it; this project's TS lib does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * Which build of the kernels this process runs: `fma` (relaxed SIMD: V8 emits a fused multiply-add
 * on CPUs with FMA3 and a multiply and an add elsewhere; about twice the GEMM throughput here) or
 * `simd128`. Relaxed SIMD is on by default from Node 22 (V8 11.4); Node 20 has it behind
 * --experimental-wasm-relaxed-simd, which is turned on here before the module is compiled.
 * `DESCBENCH_WASM_FMA=0` keeps the SIMD128 build (numbers equal to a CPU without FMA). Sums stay
 * in a fixed order in both, so either is deterministic; they differ from each other in the last bits.
 */
export type TrainKernelsBuild = 'fma' | 'simd128';

let chosen: { build: TrainKernelsBuild; module: object } | undefined;

function compileKernels(): { build: TrainKernelsBuild; module: object } {
  if (process.env.DESCBENCH_WASM_FMA !== '0') {
    const fma = readFileSync(TRAIN_KERNELS_FMA_WASM);
    if (!wasmApi.validate(fma)) setFlagsFromString('--experimental-wasm-relaxed-simd');
    if (wasmApi.validate(fma)) return { build: 'fma', module: new wasmApi.Module(fma) };
  }
  return { build: 'simd128', module: new wasmApi.Module(readFileSync(TRAIN_KERNELS_WASM)) };
}

/** The kernels' build this process uses (compiles the module on first call). */
export function trainKernelsBuild(): TrainKernelsBuild {
  chosen ??= compileKernels();
  return chosen.build;
}

const instances = new WeakMap<object, TrainKernels>();

/**
 * The kernels instantiated on `backend`'s own memory (once per memory), so that they read and
 * write tensors where wasm keeps them; their shadow stack is malloc'ed on that heap.
 */
export function trainKernels(backend: unknown): { k: TrainKernels; be: WasmBackendLike } {
  const be = backend as WasmBackendLike;
  const memory = be.wasm.asm.memory;
  let k = instances.get(memory);
  if (k === undefined) {
    chosen ??= compileKernels();
    k = new wasmApi.Instance(chosen.module, { env: { memory } }).exports as unknown as TrainKernels;
    k.__stack_pointer.value = be.wasm._malloc(STACK_BYTES) + STACK_BYTES;
    instances.set(memory, k);
  }
  return { k, be };
}

/** Byte offset of a tensor's data in the wasm heap. */
export function heapOffset(be: WasmBackendLike, t: tf.TensorInfo): number {
  const d = be.dataIdMap.get(t.dataId);
  if (d === undefined) throw new Error('wasm train kernels: tensor not on the wasm backend');
  return d.memoryOffset;
}

/** Runs `body` with `bytes` of scratch malloc'ed on the wasm heap, freed afterwards. */
export function withScratch<T>(be: WasmBackendLike, bytes: number, body: (ptr: number) => T): T {
  const p = be.wasm._malloc(Math.max(16, bytes));
  try {
    return body(p);
  } finally {
    be.wasm._free(p);
  }
}
