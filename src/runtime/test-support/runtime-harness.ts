/**
 * Small helpers for runtime tests that run on any backend (embedded or real Kafka): unique names, producing
 * keyed records partitioned like Java, reading a topic to its end, and bounded waits.
 */
import { randomBytes } from 'node:crypto';
import type { ConsumedRecord, IsolationLevel, KafkaBackend } from '../../kafka/backend.ts';
import { partitionForKey } from '../../kafka/partitioner.ts';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function produceStrings(
  backend: KafkaBackend,
  topic: string,
  partitions: number,
  records: readonly { key: string; value: string; timestamp?: number }[],
): Promise<void> {
  const producer = await backend.createProducer({ clientId: uniqueName('test-producer') });
  try {
    await producer.send(
      records.map((r) => {
        const key = Buffer.from(r.key);
        return {
          topic,
          partition: partitionForKey(key, partitions),
          key,
          value: Buffer.from(r.value),
          timestamp: r.timestamp,
        };
      }),
    );
  } finally {
    await producer.close();
  }
}

/** Reads every record of a topic from the beginning until `until` holds or the time is up (then throws). */
export async function readTopic(
  backend: KafkaBackend,
  topic: string,
  partitions: number,
  until: (records: readonly (ConsumedRecord & { partition: number })[]) => boolean,
  timeoutMs = 20_000,
  isolationLevel: IsolationLevel = 'read_uncommitted',
): Promise<(ConsumedRecord & { partition: number })[]> {
  const fetcher = backend.createFetcher({
    clientId: uniqueName('test-reader'),
    isolationLevel,
    autoOffsetReset: 'earliest',
    maxWaitMs: 100,
  });
  const records: (ConsumedRecord & { partition: number })[] = [];
  try {
    fetcher.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
    const deadline = Date.now() + timeoutMs;
    while (!until(records)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms reading "${topic}": ${records.length} records so far`);
      }
      for (const batch of await fetcher.poll(100)) {
        for (const record of batch.records) records.push({ ...record, partition: batch.partition });
      }
    }
    return records;
  } finally {
    await fetcher.close();
  }
}

/** key → the highest int64 count emitted for it. */
export function maxCountPerKey(records: readonly ConsumedRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    if (record.key === null || record.value === null) continue;
    const key = record.key.toString();
    counts.set(key, Math.max(counts.get(key) ?? 0, Number(record.value.readBigInt64BE())));
  }
  return counts;
}

/** Whether every key's highest count (see maxCountPerKey) has reached at least its expected count. */
export function countsReach(records: readonly ConsumedRecord[], expected: ReadonlyMap<string, number>): boolean {
  const counts = maxCountPerKey(records);
  for (const [key, n] of expected) if ((counts.get(key) ?? 0) < n) return false;
  return true;
}

export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
