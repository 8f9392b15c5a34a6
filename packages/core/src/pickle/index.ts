export { unpickle, type UnpickleOptions, type UnpickleResult } from './unpickle';
export {
  PickleGlobalRef,
  codecsEncode,
  orderedDict,
  ownEntry,
  pickleGlobals,
  type PickleContext,
  type PickleGlobals,
  type PickleReducer,
} from './globals';
export { numpyGlobals, isPickledNdarray, type PickledNdarray } from './numpy';
