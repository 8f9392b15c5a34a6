import { registerWasmBatchMatMul } from './wasm-batch-matmul';
import { registerWasmBatchNorm } from './wasm-batch-norm';
import { registerWasmBlockReduce } from './wasm-block-reduce';
import { registerWasmConvFilterGradient } from './wasm-conv-filter-grad';
import { registerWasmConvForward } from './wasm-conv-forward';
import { registerWasmConvInputGradient } from './wasm-conv-input-grad';
import { registerWasmFastSlice } from './wasm-fast-slice';
import { registerWasmSharedIdentity } from './wasm-shared-identity';
import { registerWasmSkinnyMatMul } from './wasm-skinny-matmul';
import { registerWasmSwapTranspose } from './wasm-swap-transpose';

/**
 * Registers the wasm kernels that training needs or that wasm ships too slow: the convolution
 * filter gradient (missing) and input gradient (a naive loop), both im2col + SIMD GEMM on
 * the wasm heap (packages/models/wasm), as is the convolution itself (faster than XNNPACK
 * here); few-row matrix products (BatchNorm's GEMM reductions, which made wasm pack a large
 * operand per call) and short-run slices as loops on the wasm heap; the
 * first/last-axis swap transpose as two fast wasm transposes; sums and means over a block of
 * axes other than the last (broadcast-weight gradients, FRN's spatial mean) in one pass;
 * Identity and same-dtype Cast without a copy (every tensor a gradient saves is cloned);
 * training-mode BatchNorm and its gradient fused; batched matrix products (SOA's attention) as
 * a SIMD GEMM with either operand transposed.
 * Idempotent; call after loading `@tensorflow/tfjs-backend-wasm`.
 */
export function registerWasmTrainingKernels(): void {
  registerWasmConvFilterGradient();
  registerWasmConvInputGradient();
  registerWasmConvForward();
  registerWasmSkinnyMatMul();
  registerWasmBatchMatMul();
  registerWasmFastSlice();
  registerWasmSwapTranspose();
  registerWasmBlockReduce();
  registerWasmSharedIdentity();
  registerWasmBatchNorm();
}
