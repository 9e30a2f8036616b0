import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { startKafkaCluster } from '../harness/kafka-cluster.ts';
import type { Fetcher, Producer } from './backend.ts';
import { PlatformaticBackend } from './platformatic/index.ts';

// Starts its own 3-node cluster (the shared test broker has one node); runs wherever npm test runs.
const skip = process.env.TRIBUTARY_TEST_KAFKA ? false : 'no TRIBUTARY_TEST_KAFKA';
const PARTITIONS = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('with RF 3 and min.insync.replicas 2, producing and fetching go on after a broker is SIGKILLed, and every acknowledged record is read back', {
  skip,
  timeout: 240_000,
}, async () => {
  const kafka = await startKafkaCluster({ nodes: 3, heapOpts: '-Xmx384m -Xms384m' });
  const backend = new PlatformaticBackend({ bootstrapServers: kafka.brokers, requestTimeoutMs: 15_000 });
  const topic = `cluster-failover-${randomUUID().slice(0, 8)}`;
  const acked = new Map<string, { partition: number; offset: number }>();
  const read = new Map<string, { partition: number; offset: number }>();
  let produceErrors = 0;
  let running = true;
  // Set when the test ends (passed or not): the fetch loop must not outlive it.
  let finished = false;
  let producer: Producer | undefined;
  let fetcher: Fetcher | undefined;
  try {
    await backend.admin.createTopics([
      { name: topic, partitions: PARTITIONS, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } },
    ]);
    const [description] = await backend.admin.describeTopics([topic]);
    assert.equal(description.partitions.length, PARTITIONS);
    for (const p of description.partitions) assert.equal(p.isr.length, 3);
    // Kill the broker that leads partition 0, so that at least one leader has to move.
    const victim = description.partitions[0].leader;

    producer = await backend.createProducer({ acks: 'all' });
    fetcher = backend.createFetcher({ maxWaitMs: 500 });
    const partitions = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition }));
    fetcher.assign(partitions);
    for (const tp of partitions) fetcher.seek(tp, 'earliest');

    let sequence = 0;
    let drainDeadline = Number.POSITIVE_INFINITY;
    // Set once the produce loop has returned: only then is the set of acknowledged values final.
    let producerDone = false;
    const produceLoop = (async () => {
      while (running) {
        const batch = Array.from({ length: 30 }, (_, i) => {
          const value = `record-${sequence++}`;
          return { topic, partition: i % PARTITIONS, key: null, value: Buffer.from(value) };
        });
        try {
          const metadata = await producer!.send(batch);
          for (const [i, m] of metadata.entries()) {
            acked.set(batch[i].value.toString(), { partition: m.partition, offset: m.offset });
          }
        } catch {
          // Not acknowledged: allowed while leaders move; these values are simply not required back.
          produceErrors++;
          await sleep(200);
        }
        await sleep(20);
      }
      producerDone = true;
    })();
    const fetchLoop = (async () => {
      // After the producer finished (its last send acknowledged or failed): go on until every acknowledged
      // value was read (or the drain deadline). Counting is not enough: values of failed sends may have been
      // written too, and are read as extras.
      while (!producerDone || ![...acked.keys()].every((value) => read.has(value))) {
        try {
          for (const batch of await fetcher!.poll(500)) {
            for (const r of batch.records)
              read.set(r.value!.toString(), { partition: batch.partition, offset: r.offset });
          }
        } catch {
          await sleep(200);
        }
        if (finished || (producerDone && Date.now() > drainDeadline)) break;
      }
    })();
    const waitUntil = async (what: string, condition: () => boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        assert.ok(Date.now() < deadline, `timed out after ${timeoutMs} ms waiting for ${what}`);
        await sleep(100);
      }
    };

    await waitUntil('300 acknowledged records before the kill', () => acked.size >= 300, 60_000);
    await waitUntil('records read before the kill', () => read.size >= 100, 60_000);
    const ackedAtKill = acked.size;
    const readAtKill = read.size;
    await kafka.killNode(victim);

    // Leaders move after broker.session.timeout.ms (6 s); both loops must make progress again.
    await waitUntil('600 more acknowledged records after the kill', () => acked.size >= ackedAtKill + 600, 90_000);
    await waitUntil('600 more records read after the kill', () => read.size >= readAtKill + 600, 90_000);
    const [after] = await backend.admin.describeTopics([topic]);
    for (const p of after.partitions) {
      assert.notEqual(p.leader, victim, `partition ${p.partition} is still led by the killed broker ${victim}`);
      assert.equal(p.isr.includes(victim), false);
    }

    running = false;
    await produceLoop;
    drainDeadline = Date.now() + 60_000;
    await fetchLoop;

    const missing = [...acked.keys()].filter((value) => !read.has(value));
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged records were not read back`);
    for (const [value, where] of acked) assert.deepEqual(read.get(value), where, `${value} read at another offset`);
    // A record may be read without an acknowledgement (written, but the ack was lost): at-least-once.
    assert.ok(read.size >= acked.size);
    assert.ok(acked.size >= ackedAtKill + 600);
    process.stderr.write(
      `# cluster failover: killed broker ${victim}; ${acked.size} acknowledged, ${read.size} read, ${produceErrors} failed sends\n`,
    );
  } finally {
    running = false;
    finished = true;
    await fetcher?.close().catch(() => {});
    await producer?.close().catch(() => {});
    await backend.close().catch(() => {});
    await kafka.stop();
  }
});
