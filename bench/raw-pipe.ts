/**
 * Raw throughput of Tributary's real Kafka seam (PlatformaticBackend): produce N records of `valueSize`
 * bytes to one partition, then fetch them back. No processing, no serdes: the ceiling any topology sits under.
 *
 *   node bench/raw-pipe.ts --bootstrap 127.0.0.1:9092 [--records 500000] [--value-size 100] [--topic T]
 *
 * bench/run.ts calls runRawPipe() through bench/tributary/worker.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { ProducerRecord } from '../src/kafka/backend.ts';
import { PlatformaticBackend } from '../src/kafka/platformatic/index.ts';

export interface RawPipeOptions {
  readonly bootstrap: string;
  readonly topic: string;
  readonly records: number;
  readonly valueSize: number;
  /** Records per send() call. */
  readonly sendSize?: number;
  /** send() calls in flight at once. */
  readonly inflight?: number;
}

export interface RawPipeResult {
  readonly produceRecordsPerSec: number;
  readonly fetchRecordsPerSec: number;
}

export async function runRawPipe(options: RawPipeOptions): Promise<RawPipeResult> {
  const { topic, records, valueSize } = options;
  const sendSize = options.sendSize ?? 5_000;
  const inflight = options.inflight ?? 4;
  const backend = new PlatformaticBackend({ bootstrapServers: options.bootstrap.split(','), clientId: 'raw-pipe' });
  try {
    await backend.admin.createTopics([{ name: topic, partitions: 1 }], { ifNotExists: true });
    const [start] = await backend.admin.listOffsets([{ topic, partition: 0, spec: 'latest' }]);

    // Produce: sends of `sendSize` records, `inflight` of them pipelined, like a linger-free batching producer.
    const values = Array.from({ length: 16 }, () => randomBytes(valueSize));
    const producer = await backend.createProducer({ acks: 'all' });
    const produceStart = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < records) {
        const count = Math.min(sendSize, records - next);
        const batch: ProducerRecord[] = new Array(count);
        for (let i = 0; i < count; i++) batch[i] = { topic, partition: 0, key: null, value: values[(next + i) & 15] };
        next += count;
        await producer.send(batch);
      }
    };
    await Promise.all(Array.from({ length: inflight }, lane));
    const produceSeconds = (performance.now() - produceStart) / 1000;
    await producer.close();
    const [end] = await backend.admin.listOffsets([{ topic, partition: 0, spec: 'latest' }]);
    if (end.offset - start.offset !== records) {
      throw new Error(`produced ${records} records but the log grew by ${end.offset - start.offset}`);
    }

    // Fetch: from where this run's records start until all are back.
    const fetcher = backend.createFetcher({ maxPartitionBytes: 8 * 1024 * 1024, maxBytes: 64 * 1024 * 1024 });
    fetcher.assign([{ topic, partition: 0 }]);
    fetcher.seek({ topic, partition: 0 }, start.offset);
    let fetched = 0;
    let bytes = 0;
    let expectedOffset = start.offset;
    const fetchStart = performance.now();
    const deadline = Date.now() + 300_000;
    while (fetched < records) {
      if (Date.now() > deadline) throw new Error(`fetched only ${fetched} of ${records} records in 300 s`);
      for (const batch of await fetcher.poll(500)) {
        fetched += batch.records.length;
        // Checks every record arrived once and in order, and touches every value as a consumer would.
        for (const record of batch.records) {
          if (record.offset !== expectedOffset++)
            throw new Error(`expected offset ${expectedOffset - 1}, got ${record.offset}`);
          bytes += record.value?.length ?? 0;
        }
      }
    }
    if (fetched !== records || bytes !== records * valueSize) {
      throw new Error(`fetched ${fetched} records / ${bytes} bytes, expected ${records} / ${records * valueSize}`);
    }
    const fetchSeconds = (performance.now() - fetchStart) / 1000;
    await fetcher.close();
    return {
      produceRecordsPerSec: Math.round(records / produceSeconds),
      fetchRecordsPerSec: Math.round(records / fetchSeconds),
    };
  } finally {
    await backend.close();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      bootstrap: { type: 'string' },
      topic: { type: 'string' },
      records: { type: 'string', default: '500000' },
      'value-size': { type: 'string', default: '100' },
      'send-size': { type: 'string' },
      inflight: { type: 'string' },
    },
  });
  const bootstrap = values.bootstrap ?? process.env.TRIBUTARY_TEST_KAFKA;
  if (!bootstrap) throw new Error('pass --bootstrap host:port (or set TRIBUTARY_TEST_KAFKA)');
  const result = await runRawPipe({
    bootstrap,
    topic: values.topic ?? `raw-pipe-${randomUUID().slice(0, 8)}`,
    records: Number(values.records),
    valueSize: Number(values['value-size']),
    sendSize: values['send-size'] ? Number(values['send-size']) : undefined,
    inflight: values.inflight ? Number(values.inflight) : undefined,
  });
  console.log(JSON.stringify(result));
}
