import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

/** The compiled kernels (packages/models/wasm/conv-gemm.c, built by build.sh beside it). */
export const CONV_GEMM_WASM = join(__dirname, '..', '..', 'wasm', 'conv-gemm.wasm');

/** Scratch for im2col rows: at most this many floats (1 MiB), so a chunk stays in cache. */
const COL_FLOATS = 1 << 18;
const STACK_BYTES = 1 << 16;

type Geometry = [b: number, h: number, w: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number];

interface ConvGemmExports {
  conv_filter_grad(x: number, dy: number, dw: number, col: number, ...g: [...Geometry, number]): void;
  conv_input_grad(dy: number, w: number, dx: number, col: number, wt: number, ...g: [...Geometry, number]): void;
  __stack_pointer: { value: number };
}

/** The parts of tfjs's wasm backend used here: its emscripten module (heap, malloc) and tensor offsets. */
interface WasmBackendLike {
  wasm: { asm: { memory: object }; _malloc(bytes: number): number; _free(ptr: number): void };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** The WebAssembly API as used here (Node has it; this project's TS lib does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;
const instances = new WeakMap<object, ConvGemmExports>();

/** The kernels instantiated on `backend`'s own memory (once per memory), their stack malloc'ed there. */
function kernelsFor(be: WasmBackendLike): ConvGemmExports {
  const memory = be.wasm.asm.memory;
  let k = instances.get(memory);
  if (k === undefined) {
    compiled ??= new wasmApi.Module(readFileSync(CONV_GEMM_WASM));
    k = new wasmApi.Instance(compiled, { env: { memory } }).exports as unknown as ConvGemmExports;
    // The module's shadow stack (unused by the kernels today, kept safe for any spill) on the heap.
    k.__stack_pointer.value = be.wasm._malloc(STACK_BYTES) + STACK_BYTES;
    instances.set(memory, k);
  }
  return k;
}

function offset(be: WasmBackendLike, t: tf.TensorInfo): number {
  const d = be.dataIdMap.get(t.dataId);
  if (d === undefined) throw new Error('wasm conv gemm: tensor not on the wasm backend');
  return d.memoryOffset;
}

function geometry(info: tf.backend_util.Conv2DInfo): Geometry {
  return [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left];
}

/** Rows of im2col per chunk: the scratch holds `rows * K` floats. */
function chunkRows(info: tf.backend_util.Conv2DInfo): number {
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const m = info.batchSize * info.outHeight * info.outWidth;
  return Math.max(1, Math.min(m, Math.floor(COL_FLOATS / k)));
}

function float32(t: tf.TensorInfo, what: string): void {
  if (t.dtype !== 'float32') throw new Error(`wasm conv gemm: ${what} must be float32, got ${t.dtype}`);
}

/** Conv2DBackpropFilter: dW `[KH, KW, Ci, Co]` = im2col(x)^T . dy, on the wasm heap. */
export function convFilterGradGemm(backend: tf.KernelBackend, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  float32(x, 'x');
  float32(dy, 'dy');
  const be = backend as unknown as WasmBackendLike;
  const k = kernelsFor(be);
  const out = be.makeOutput([info.filterHeight, info.filterWidth, info.inChannels, info.outChannels], 'float32');
  const mc = chunkRows(info);
  const kk = info.filterHeight * info.filterWidth * info.inChannels;
  const col = be.wasm._malloc(mc * kk * 4);
  try {
    k.conv_filter_grad(offset(be, x), offset(be, dy), offset(be, out), col, ...geometry(info), mc);
  } finally {
    be.wasm._free(col);
  }
  return out;
}

/** Conv2DBackpropInput: dx `[B, H, W, Ci]` = col2im(dy . W^T), on the wasm heap. */
export function convInputGradGemm(backend: tf.KernelBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  float32(dy, 'dy');
  float32(filter, 'filter');
  const be = backend as unknown as WasmBackendLike;
  const k = kernelsFor(be);
  const out = be.makeOutput([info.batchSize, info.inHeight, info.inWidth, info.inChannels], 'float32');
  const mc = chunkRows(info);
  const kk = info.filterHeight * info.filterWidth * info.inChannels;
  const col = be.wasm._malloc(mc * kk * 4);
  const wt = be.wasm._malloc(kk * info.outChannels * 4);
  try {
    k.conv_input_grad(offset(be, dy), offset(be, filter), offset(be, out), col, wt, ...geometry(info), mc);
  } finally {
    be.wasm._free(col);
    be.wasm._free(wt);
  }
  return out;
}
