import { registerWasmBlockReduce } from './wasm-block-reduce';
import { registerWasmConvFilterGradient } from './wasm-conv-filter-grad';
import { registerWasmConvInputGradient } from './wasm-conv-input-grad';
import { registerWasmFastSlice } from './wasm-fast-slice';
import { registerWasmSkinnyMatMul } from './wasm-skinny-matmul';
import { registerWasmSwapTranspose } from './wasm-swap-transpose';

/**
 * Registers the wasm kernels that training needs or that wasm ships too slow: the convolution
 * filter gradient (missing) and input gradient (a naive loop), both rebuilt from XNNPACK
 * kernels; few-row matrix products (BatchNorm's GEMM reductions, which made wasm pack a large
 * operand per call) and short-run slices (the pad gradient) as loops on the wasm heap; the
 * first/last-axis swap transpose as two fast wasm transposes; sums and means over a block of
 * axes other than the last (broadcast-weight gradients, FRN's spatial mean) in one pass.
 * Idempotent; call after loading `@tensorflow/tfjs-backend-wasm`.
 */
export function registerWasmTrainingKernels(): void {
  registerWasmConvFilterGradient();
  registerWasmConvInputGradient();
  registerWasmSkinnyMatMul();
  registerWasmFastSlice();
  registerWasmSwapTranspose();
  registerWasmBlockReduce();
}
