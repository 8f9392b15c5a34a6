export { InputError, formatInputError, isInputError, type InputLocation } from './errors';
export { SeededRng } from './rng';
export { Registry, UnknownNameError, nearestNames } from './registry';
export { log, setLogLevel, type LogLevel } from './log';
export { createProgress, type Progress, type ProgressOptions } from './progress';
export { writeDirAtomicSync, writeFileAtomicSync } from './atomic-write';
export { ensureDir } from './ensure-dir';
export { findSharedDir } from './shared-dir';
export {
  AUTO_ORDER,
  BACKENDS,
  BACKEND_PACKAGES,
  chooseBackend,
  nodeBackendProbe,
  parseBackendName,
  probeBackends,
  type BackendChoice,
  type BackendName,
  type BackendProbe,
  type BackendStatus,
  type ConcreteBackend,
} from './backend';
export * from './pickle/index';
export {
  NPY_DTYPES,
  decodeNumpyData,
  halfToFloat,
  parseNumpyDescr,
  type NpyData,
  type NpyDtype,
  type NumpyDtypeInfo,
} from './numpy-dtype';
export { toFloat16Bits, toFloat16Array, float16Table } from './float16';
