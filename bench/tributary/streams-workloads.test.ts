import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PlatformaticBackend } from '../../src/kafka/platformatic/index.ts';
import { Meter } from './meter.ts';
import { runStreamsWorkload } from './streams-workloads.ts';

const bootstrap = process.env.TRIBUTARY_TEST_KAFKA;

/** Records per input topic, their keys (0 .. KEYS-1) and the event-time timeline: record i at BASE + i ms. */
const RECORDS = 1500;
const KEYS = 60;
const BASE = Date.now() - 60_000;

interface Input {
  readonly key: number;
  readonly timestamp: number;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/**
 * One real-Kafka run per Tributary bench workload over a small event-time pair (the shape bench/run.ts loads),
 * checking that each completes with the whole input counted and that its cross-check figures (window entries
 * fetched, join results) are what the input implies.
 */
test('the bench workloads run on real Kafka and do the work their input implies', async (t) => {
  if (!bootstrap) return t.skip('no TRIBUTARY_TEST_KAFKA');
  const id = randomUUID().slice(0, 8);
  const [topicA, topicB] = [`bench-wl-a-${id}`, `bench-wl-b-${id}`];
  const backend = new PlatformaticBackend({ bootstrapServers: bootstrap.split(','), clientId: 'bench-workloads-test' });
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-workloads-'));
  // A deterministic key sequence, so the expected figures are computed from the same input.
  const keysOf = (salt: number): Input[] =>
    Array.from({ length: RECORDS }, (_, i) => ({
      key: (i * 7 + salt * 13 + ((i * i) % 11)) % KEYS,
      timestamp: BASE + i,
    }));
  const a = keysOf(1);
  const b = keysOf(2);
  try {
    await backend.admin.createTopics([
      { name: topicA, partitions: 1 },
      { name: topicB, partitions: 1 },
    ]);
    const producer = await backend.createProducer({});
    try {
      for (const [topic, records] of [
        [topicA, a],
        [topicB, b],
      ] as const) {
        await producer.send(
          records.map((r) => ({
            topic,
            partition: 0,
            key: int32(r.key),
            value: Buffer.alloc(16, r.key),
            timestamp: r.timestamp,
          })),
        );
      }
    } finally {
      await producer.close();
    }

    const run = async (workload: string, expected: number, store?: 'memory' | 'persistent') => {
      const meter = new Meter(expected);
      const extra = await runStreamsWorkload({
        workload,
        bootstrap,
        source: topicA,
        source2: topicB,
        store,
        applicationId: `bench-wl-${workload}-${store ?? 'memory'}-${id}`,
        stateDir: join(stateDir, `${workload}-${store ?? 'memory'}`),
        meter,
        timeoutMs: 60_000,
      });
      const result = meter.result(workload, extra);
      assert.equal(result.timedOut, false, `${workload} timed out at ${meter.processed}/${expected}`);
      assert.equal(result.processed, expected, workload);
      return result;
    };

    await t.test('kv-store, count (in-memory and persistent) and windowed-count count every record', async () => {
      for (const workload of ['kv-store', 'count', 'windowed-count']) await run(workload, RECORDS);
      const persistent = await run('count', RECORDS, 'persistent');
      assert.equal(persistent.store, 'persistent (lmdb)');
    });

    await t.test('window-store fetches the entries of keys k-10..k+10 in the last second before each put', async () => {
      let expected = 0;
      a.forEach((r, i) => {
        for (let j = 0; j < i; j++) {
          const o = a[j]!;
          if (o.key >= Math.max(0, r.key - 10) && o.key <= r.key + 10 && o.timestamp >= r.timestamp - 1000) expected++;
        }
      });
      const result = await run('window-store', RECORDS);
      assert.equal(result.fetchedEntries, expected);
    });

    await t.test('stream-table-join emits one result per stream record', async () => {
      const result = await run('stream-table-join', 2 * RECORDS);
      assert.equal(result.joinOutputs, RECORDS);
    });

    await t.test('stream-stream-join emits every pair of a key (the whole input spans less than 10 s)', async () => {
      const perKey = (records: Input[]) => {
        const counts = new Array<number>(KEYS).fill(0);
        for (const r of records) counts[r.key]!++;
        return counts;
      };
      const [ca, cb] = [perKey(a), perKey(b)];
      const pairs = ca.reduce((sum, n, key) => sum + n * cb[key]!, 0);
      // Every key of one side occurs on the other, so the left join has no unmatched records to emit.
      assert.ok(ca.every((n, key) => n === 0 || cb[key]! > 0));
      const result = await run('stream-stream-join', 2 * RECORDS);
      assert.equal(result.joinOutputs, pairs);
    });

    await t.test(
      'table-table-join emits a result per update of either table once its own side has the key',
      async () => {
        const result = await run('table-table-join', 2 * RECORDS);
        // Each left update emits (left join); a right update emits only once the left table holds its key.
        const outputs = Number(result.joinOutputs);
        assert.ok(outputs > RECORDS && outputs <= 2 * RECORDS, `join results ${outputs}`);
      },
    );
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
    await backend.admin.deleteTopics([topicA, topicB]).catch(() => {});
    await backend.close();
  }
});
