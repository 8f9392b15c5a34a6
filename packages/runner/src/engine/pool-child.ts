import { isInputError } from '@descbench/core';
import { THREADS_VAR, type ChildMessage, type ComputeModule, type ParentMessage } from './pool-protocol';

/**
 * Entry of a pool process (`--jobs`, and each slot of a `bench worker`): loads the compute module
 * named by argv[2] once, then computes the cells its parent sends, one at a time, and answers
 * with each cell's value or error. Exits when its parent goes away (IPC disconnect). The parent
 * sets how many compute threads it may use (one while other cells wait; more at a table's end).
 */
const modulePath = process.argv[2];
if (modulePath === undefined || process.send === undefined) {
  process.stderr.write('pool-child: run by the process pool only (argv[2]: compute module, with an IPC channel)\n');
  process.exit(2);
}
const send = (m: ChildMessage): void => {
  process.send?.(m);
};
const mod = require(modulePath) as ComputeModule;
process.on('disconnect', () => process.exit(0));
process.on('message', (m: ParentMessage) => {
  // read by onnxruntime when a cell makes its session (models/backends/onnx.ts)
  process.env[THREADS_VAR] = String(m.threads);
  if (m.type !== 'cell') return;
  const onProgress = (done: number, total: number): void => send({ type: 'progress', key: m.key, done, total });
  mod.computeCell(m.spec, { ...m.ctx, onProgress }).then(
    (value) => send({ type: 'done', key: m.key, value }),
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      send({ type: 'error', key: m.key, message: err.message, input: isInputError(err), ...(err.stack !== undefined ? { stack: err.stack } : {}) });
    },
  );
});
send({ type: 'ready' });
