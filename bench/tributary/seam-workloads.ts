import type { ProducerRecord, TopicPartition } from '../../src/kafka/backend.ts';
import { PlatformaticBackend } from '../../src/kafka/platformatic/index.ts';
import type { Meter } from './meter.ts';

/** Sends in flight at once in the pipe: enough to keep the broker busy while the next fetch decodes. */
const MAX_INFLIGHT_SENDS = 4;

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
 * partition, 50 MiB per fetch). In the pipe a record counts once its send is acknowledged.
 */
export async function runSeamWorkload(options: SeamWorkloadOptions): Promise<Record<string, unknown>> {
  const { source, sink, meter } = options;
  const backend = new PlatformaticBackend({ bootstrapServers: options.bootstrap.split(','), clientId: 'bench-seam' });
  try {
    const [description] = await backend.admin.describeTopics([source]);
    const partitions: TopicPartition[] = description.partitions.map((p) => ({ topic: source, partition: p.partition }));
    const fetcher = backend.createFetcher({ autoOffsetReset: 'earliest' });
    fetcher.assign(partitions);
    for (const tp of partitions) fetcher.seek(tp, 'earliest');
    const producer = sink ? await backend.createProducer({ acks: 'all' }) : undefined;
    const inflight = new Set<Promise<unknown>>();
    let fetched = 0;
    let keySum = 0;
    let valueBytes = 0;
    while (fetched < meter.expected && Date.now() < options.deadline) {
      for (const batch of await fetcher.poll(500)) {
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
        const out: ProducerRecord[] = new Array(take);
        for (let i = 0; i < take; i++) {
          const r = batch.records[i];
          out[i] = { topic: sink, partition: batch.partition, key: r.key, value: r.value, timestamp: r.timestamp };
        }
        const send: Promise<unknown> = producer.send(out).then(() => {
          inflight.delete(send);
          meter.recordMany(take);
        });
        inflight.add(send);
        while (inflight.size >= MAX_INFLIGHT_SENDS) await Promise.race(inflight);
      }
    }
    await Promise.all(inflight);
    await fetcher.close();
    await producer?.close();
    return { client: '@platformatic/kafka 2.12.1 via the KafkaBackend seam', keySum, valueBytes };
  } finally {
    await backend.close();
  }
}
