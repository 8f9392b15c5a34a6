import IORedis from 'ioredis';
import { InputError, log } from '@descbench/core';
import type { CellSpec } from './types';

/** Every key descbench writes into Redis starts with this (BullMQ's key prefix). */
export const QUEUE_PREFIX = 'descbench';

/**
 * The queue a cell goes to: one per tfjs backend, `cells-<backend>`. The backend is part of a
 * cell's key (same seed, same backend, same numbers), so a worker takes only the cells of the
 * backend it runs (a GPU worker the `tensorflow-gpu` ones). Cells whose spec names no backend go
 * to the coordinator's.
 */
export function cellQueueName(spec: CellSpec, fallbackBackend: string): string {
  const b = spec.settings.backend;
  return `cells-${typeof b === 'string' && b !== '' ? b : fallbackBackend}`;
}

/** `redis://HOST:PORT[/DB]` (or `rediss://` for TLS), else an InputError at --queue. */
export function parseQueueUrl(url: string): string {
  if (!/^rediss?:\/\/[^\s/]+(\/\d+)?\/?$/.test(url)) throw new InputError(`expected redis://HOST:PORT, got ${JSON.stringify(url)}`, { at: '--queue' });
  return url;
}

/**
 * A Redis connection for BullMQ (commands wait through reconnects: `maxRetriesPerRequest: null`),
 * after a probe that fails fast with one line when nothing answers at `url`.
 */
export async function connectRedis(url: string, probeMs = 5000): Promise<IORedis> {
  parseQueueUrl(url);
  const probe = new IORedis(url, { lazyConnect: true, connectTimeout: probeMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    throw new InputError(`cannot reach Redis at ${url}: ${(e as Error).message}`, { at: '--queue' });
  } finally {
    probe.disconnect();
  }
  const redis = new IORedis(url, { maxRetriesPerRequest: null });
  let lastWarn = 0;
  redis.on('error', (e: Error) => {
    // ioredis reconnects by itself; say so at most every 30 s instead of on every attempt
    if (Date.now() - lastWarn > 30_000) {
      lastWarn = Date.now();
      log.warn(`Redis at ${url}: ${e.message} (reconnecting)`);
    }
  });
  return redis;
}
