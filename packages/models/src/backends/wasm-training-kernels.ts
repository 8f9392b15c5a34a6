import { registerWasmConvFilterGradient } from './wasm-conv-filter-grad';
import { registerWasmConvInputGradient } from './wasm-conv-input-grad';

/**
 * Registers the wasm kernels that training needs or that wasm ships too slow: the convolution
 * filter gradient (missing) and input gradient (a naive loop), both rebuilt from XNNPACK
 * kernels. Idempotent; call before or after the backend is initialised.
 */
export function registerWasmTrainingKernels(): void {
  registerWasmConvFilterGradient();
  registerWasmConvInputGradient();
}
