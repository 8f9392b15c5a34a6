import { doctor, formatDoctor } from '@descbench/runner';
import type { CommandFactory } from './index';

export const doctorCommand: CommandFactory = () => ({
  command: 'doctor',
  describe: 'Show the tensor backends and ONNX providers available here, and which one --backend auto picks and why',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'Print one JSON object on stdout' }),
  handler: (a: { json: boolean }) => {
    const r = doctor();
    process.stdout.write(a.json ? `${JSON.stringify(r, null, 2)}\n` : `${formatDoctor(r)}\n`);
  },
});
