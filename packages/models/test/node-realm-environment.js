/**
 * Jest's default Node environment runs tests in a separate realm, so typed arrays created by
 * native addons (onnxruntime-node's outputs) fail `instanceof Float32Array` checks inside
 * onnxruntime-common. This environment shares the host realm's typed-array constructors.
 * Use with `@jest-environment ./packages/models/test/node-realm-environment.js`.
 */
const NodeEnvironment = require('jest-environment-node').TestEnvironment;

const TYPED = [
  'ArrayBuffer', 'Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array',
  'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array',
];

class NodeRealmEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED) this.global[name] = globalThis[name];
  }
}

module.exports = NodeRealmEnvironment;
