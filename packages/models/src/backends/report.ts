import { chooseBackend, probeBackends, type BackendStatus, type ConcreteBackend } from '@descbench/core';
import { onnxProviders } from './onnx';
import { tfjsProbe } from './tfjs';
import { trainKernelsBuild, type TrainKernelsBuild } from './wasm-train-module';

/** What `bench doctor` prints: tfjs backends (installed/usable), what `auto` picks and why, onnxruntime providers. */
export interface BackendReport {
  node: string;
  tfjs: { version: string; backends: BackendStatus[]; auto: { backend: ConcreteBackend; why: string } | { error: string }; wasmTrainKernels: TrainKernelsBuild };
  onnxruntime: { version: string; providers: { name: string; bundled: boolean }[] };
}

export function backendReport(): BackendReport {
  const probe = tfjsProbe();
  let auto: BackendReport['tfjs']['auto'];
  try {
    const c = chooseBackend('auto', probe);
    auto = { backend: c.backend, why: c.why };
  } catch (e) {
    auto = { error: (e as Error).message };
  }
  return {
    node: process.version,
    tfjs: { version: pkgVersion('@tensorflow/tfjs-core'), backends: probeBackends(probe), auto, wasmTrainKernels: trainKernelsBuild() },
    onnxruntime: { version: pkgVersion('onnxruntime-node'), providers: onnxProviders() },
  };
}

function pkgVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}
