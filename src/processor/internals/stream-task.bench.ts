/**
 * Throughput of one StreamTask, without any broker: records are handed to the task as the runtime would hand
 * fetched batches, and the collector only counts. Shows what the processor graph itself costs per record.
 *
 *   node src/processor/internals/stream-task.bench.ts [records]
 */
import { buildWordCountTopology } from '../../../examples/word-count/topology.ts';
import { StreamsBuilder } from '../../dsl/streams-builder.ts';
import type { ConsumedRecord } from '../../kafka/backend.ts';
import { Serdes } from '../../serdes/serdes.ts';
import { buildTopology } from '../../topology/build-topology.ts';
import type { Topology } from '../../topology/topology.ts';

const RECORDS = Number(process.argv[2] ?? 300_000);

function measure(name: string, topology: Topology, subtopology: number, value: (i: number) => Buffer): void {
  const config = { 'application.id': 'bench' };
  const built = buildTopology(topology, config);
  let sent = 0;
  const task = built.createTask(
    { subtopology, partition: 0 },
    { collector: { send: () => void sent++, partitionsFor: () => 1 }, now: () => 0, config },
  );
  task.initialize();
  const partition = task.inputPartitions[0];
  const batches: ConsumedRecord[][] = [];
  for (let round = 0; round < 3; round++) {
    const batch: ConsumedRecord[] = [];
    for (let i = 0; i < RECORDS; i++) {
      batch.push({
        offset: round * RECORDS + i,
        timestamp: i,
        key: Buffer.from(`k${i % 1000}`),
        value: value(i),
        headers: [],
      });
    }
    batches.push(batch);
  }
  const rates: number[] = [];
  for (const batch of batches) {
    const start = process.hrtime.bigint();
    task.addRecords(partition, batch);
    while (task.processOne()) {}
    task.prepareCommit();
    task.postCommit();
    rates.push(RECORDS / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  task.close();
  // The first round warms the JIT up; report the best of the others.
  console.log(
    `${name.padEnd(48)} ${Math.round(Math.max(...rates.slice(1))).toLocaleString('en')} records/s (${sent} sent)`,
  );
}

const stateless = new StreamsBuilder();
stateless
  .stream('in', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
  .filter((_k, v) => v.length > 3)
  .mapValues((v) => v.toUpperCase())
  .to('out', { keySerde: Serdes.String(), valueSerde: Serdes.String() });
measure('filter → mapValues → to (strings)', stateless.build(), 0, (i) => Buffer.from(`value-${i}`));
measure('word count: count per word (aggregation task)', buildWordCountTopology(), 1, (i) =>
  Buffer.from(`w${i % 500}`),
);
