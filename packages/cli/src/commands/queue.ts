import { markdownTable, queueStatus } from '@descbench/runner';
import type { CommandFactory } from './index';

export const queueCommand: CommandFactory = () => ({
  command: 'queue <action>',
  describe: 'The BullMQ cell queues on Redis: `status` shows cells waiting, running, done and failed per table, and the workers',
  builder: (y) =>
    y
      .positional('action', { choices: ['status'] as const, demandOption: true, describe: 'status' })
      .option('queue', { type: 'string', demandOption: true, describe: 'redis://HOST:PORT' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the status as JSON on stdout' }),
  handler: async (a: { action: 'status'; queue: string; json: boolean }) => {
    const s = await queueStatus(a.queue);
    if (a.json) {
      process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      return;
    }
    if (s.queues.length === 0) {
      process.stdout.write(`no cell queues at ${s.url}\n`);
      return;
    }
    for (const q of s.queues) {
      process.stdout.write(`${q.name} (backend ${q.backend}): ${q.workers.length} worker(s)${q.workers.length > 0 ? `: ${q.workers.join(', ')}` : ''}\n`);
      const body = q.tables.map((t) => [t.table, String(t.waiting), String(t.running), String(t.done), String(t.failed)]);
      process.stdout.write(`${markdownTable(['table', 'waiting', 'running', 'done', 'failed'], body)}\n`);
    }
  },
});
