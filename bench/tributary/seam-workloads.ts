import type { ProducerRecord, TopicPartition } from '../../src/kafka/backend.ts';
import { PlatformaticBackend } from '../../src/kafka/platformatic/index.ts';
import type { Meter } from './meter.ts';

// The pipe batches like the runtime's record collector (src/runtime/streams-record-collector.ts): up to 4096
// records per send, sent at the end of every poll round, at most 5 sends in flight. So it is the ceiling the
// runtime's own read-process-write path sits under, with no processing in between.
const MAX_BATCH_RECORDS = 4096;
const MAX_INFLIGHT_SENDS = 5;

export interface SeamWorkloadOptions {
  readonly bootstrap: string;
  readonly source: string;
  /** Given: every fetched record is produced to this topic (same partition), the pipe's limit. */
  readonly sink?: string;
  readonly meter: Meter;
  readonly deadline: number;
}

/**
 * The raw rows of the table: the KafkaBackend seam with no framework, as SimpleBenchmark's `consume` and
 * `consumeproduce` use the plain Java clients. Fetcher defaults match the Java consumer's (1 MiB per
 * partition, 50 MiB per fetch), poll wait 100 ms (the runtime's poll.ms). In the pipe a record counts once its
 * send is acknowledged.
 */
export async function runSeamWorkload(options: SeamWorkloadOptions): Promise<Record<string, unknown>> {
  const { source, sink, meter } = options;
  const backend = new PlatformaticBackend({ bootstrapServers: options.bootstrap.split(','), clientId: 'bench-seam' });
  try {
    const [description] = await backend.admin.describeTopics([source]);
    const partitions: TopicPartition[] = description.partitions.map((p) => ({ topic: source, partition: p.partition }));
    const fetcher = backend.createFetcher({ autoOffsetReset: 'earliest', maxWaitMs: 100 });
    fetcher.assign(partitions);
    for (const tp of partitions) fetcher.seek(tp, 'earliest');
    const producer = sink ? await backend.createProducer({ acks: 'all' }) : undefined;
    const inflight = new Set<Promise<unknown>>();
    let pending: ProducerRecord[] = [];
    const dispatch = async () => {
      if (!producer || pending.length === 0) return;
      const out = pending;
      pending = [];
      const send: Promise<unknown> = producer.send(out).then(() => {
        inflight.delete(send);
        meter.recordMany(out.length);
      });
      inflight.add(send);
      while (inflight.size >= MAX_INFLIGHT_SENDS) await Promise.race(inflight);
    };
    let fetched = 0;
    let keySum = 0;
    let valueBytes = 0;
    while (fetched < meter.expected && Date.now() < options.deadline) {
      for (const batch of await fetcher.poll(100)) {
        const take = Math.min(batch.records.length, meter.expected - fetched);
        if (take > 0) meter.markFirst();
        fetched += take;
        if (!producer || !sink) {
          // Read every key as IntegerDeserializer would and touch every value, as the Java consumer does.
          for (let i = 0; i < take; i++) {
            const r = batch.records[i];
            keySum += r.key ? r.key.readInt32BE(0) : 0;
            valueBytes += r.value ? r.value.length : 0;
          }
          meter.recordMany(take);
          continue;
        }
        for (let i = 0; i < take; i++) {
          const r = batch.records[i];
          pending.push({ topic: sink, partition: batch.partition, key: r.key, value: r.value, timestamp: r.timestamp });
          if (pending.length >= MAX_BATCH_RECORDS) await dispatch();
        }
      }
      await dispatch();
    }
    await Promise.all(inflight);
    await fetcher.close();
    await producer?.close();
    return { client: '@platformatic/kafka 2.12.1 via the KafkaBackend seam', keySum, valueBytes };
  } finally {
    await backend.close();
  }
}
