/**
 * Joins in KafkaStreams on real Kafka (TRIBUTARY_TEST_KAFKA; skipped without it): a stream-table enrichment
 * and a windowed stream-stream join give the expected records, and keep giving them after the application is
 * closed mid-way and started again (the table and the join windows come back from their changelogs).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KafkaBackend } from '../kafka/backend.ts';
import { PlatformaticBackend } from '../kafka/platformatic/platformatic-backend.ts';
import { KafkaStreams } from '../runtime/kafka-streams.ts';
import { produceStrings, readTopic, uniqueName } from '../runtime/test-support/runtime-harness.ts';
import { JoinWindows } from './join-windows.ts';
import { StreamsBuilder } from './streams-builder.ts';

/**
 * Event times start three hours ago: a real broker deletes records older than a topic's retention (seven days,
 * or a window changelog's retention plus one day) once its retention check runs, so epoch-near times would vanish
 * mid-test; and Kafka 4 refuses times more than an hour in the future.
 */
const T0 = Date.now() - 3 * 3_600_000;

const address = process.env.TRIBUTARY_TEST_KAFKA;

function config(applicationId: string) {
  return {
    'application.id': applicationId,
    'commit.interval.ms': 200,
    'poll.ms': 50,
    'session.timeout.ms': 6_000,
    'heartbeat.interval.ms': 200,
    'max.poll.interval.ms': 15_000,
  };
}

/** Waits until the group has committed `total` offsets of `topic` (all its records processed). */
async function committed(backend: KafkaBackend, app: string, topic: string, total: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const offsets = await backend.admin.fetchCommittedOffsets(app);
    const sum = offsets.filter((o) => o.topic === topic).reduce((n, o) => n + o.offset, 0);
    if (sum >= total) return;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${total} committed offsets of "${topic}" (${sum})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function text(records: readonly { key: Buffer | null; value: Buffer | null }[]): string[] {
  return records.map((r) => `${r.key?.toString()}=${r.value?.toString()}`).sort();
}

describe('joins on real Kafka', () => {
  const backend = address ? new PlatformaticBackend({ bootstrapServers: [address] }) : undefined;
  const open: KafkaStreams[] = [];
  after(async () => {
    await Promise.allSettled(open.map((s) => s.close({ timeoutMs: 10_000 })));
    await backend?.close();
  });
  const started = async (streams: KafkaStreams) => {
    open.push(streams);
    await streams.start();
    return streams;
  };

  it('enriches orders with customers (stream-table join), also after a restart that restores the table from its changelog', async (t) => {
    if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
    const [orders, customers, enriched, app] = ['orders', 'customers', 'enriched', 'app'].map(uniqueName);
    await backend.admin.createTopics(
      [orders, customers, enriched].map((name) => ({ name, partitions: 2, replicationFactor: 1 })),
    );
    const topology = () => {
      const b = new StreamsBuilder();
      const table = b.table(customers);
      b.stream(orders)
        .join(table, (order, customer) => `${order} for ${customer}`)
        .to(enriched);
      return b.build();
    };
    const names = Array.from({ length: 6 }, (_, i) => ({
      key: `c${i}`,
      value: `customer-${i}`,
      timestamp: T0 + 1_000,
    }));
    await produceStrings(backend, customers, 2, names);
    const first = await started(new KafkaStreams(topology(), config(app), { backend }));
    await committed(backend, app, customers, names.length);
    const batch1 = names.map((c) => ({ key: c.key, value: `order-a-${c.key}`, timestamp: T0 + 2_000 }));
    await produceStrings(backend, orders, 2, batch1);
    const out1 = await readTopic(backend, enriched, 2, (r) => r.length >= batch1.length);
    assert.deepEqual(text(out1), names.map((c) => `${c.key}=order-a-${c.key} for ${c.value}`).sort());
    await committed(backend, app, orders, batch1.length);
    assert.equal(await first.close({ timeoutMs: 10_000 }), true);

    // The customers topic is not read again (its offsets are committed): the rows must come from the changelog.
    await started(new KafkaStreams(topology(), config(app), { backend }));
    const batch2 = names.map((c) => ({ key: c.key, value: `order-b-${c.key}`, timestamp: T0 + 3_000 }));
    await produceStrings(backend, orders, 2, batch2);
    const out2 = await readTopic(backend, enriched, 2, (r) => r.length >= batch1.length + batch2.length);
    assert.deepEqual(
      text(out2).filter((line) => line.includes('order-b')),
      names.map((c) => `${c.key}=order-b-${c.key} for ${c.value}`).sort(),
    );
  });

  it('joins two streams within the window, also with one side processed before a restart (windows restored from changelogs)', async (t) => {
    if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
    const [clicks, views, joined, app] = ['clicks', 'views', 'joined', 'app'].map(uniqueName);
    await backend.admin.createTopics(
      [clicks, views, joined].map((name) => ({ name, partitions: 2, replicationFactor: 1 })),
    );
    const topology = () => {
      const b = new StreamsBuilder();
      b.stream(views)
        .join(
          b.stream(clicks),
          (view, click) => `${view}&${click}`,
          JoinWindows.ofTimeDifferenceAndGrace(1_000, 60_000),
        )
        .to(joined);
      return b.build();
    };
    const keys = Array.from({ length: 8 }, (_, i) => `u${i}`);
    const first = await started(new KafkaStreams(topology(), config(app), { backend }));
    // Views at 10_000; a click within 1 s of a view joins, one 5 s later does not.
    await produceStrings(
      backend,
      views,
      2,
      keys.map((key) => ({ key, value: `view-${key}`, timestamp: T0 + 10_000 })),
    );
    await produceStrings(backend, clicks, 2, [{ key: 'u0', value: 'click-now', timestamp: T0 + 10_500 }]);
    const out1 = await readTopic(backend, joined, 2, (r) => r.length >= 1);
    assert.deepEqual(text(out1), ['u0=view-u0&click-now']);
    await committed(backend, app, views, keys.length);
    await committed(backend, app, clicks, 1);
    assert.equal(await first.close({ timeoutMs: 10_000 }), true);

    await started(new KafkaStreams(topology(), config(app), { backend }));
    await produceStrings(
      backend,
      clicks,
      2,
      keys.map((key, i) => ({ key, value: `click-${key}`, timestamp: T0 + (i % 2 === 0 ? 10_900 : 15_000) })),
    );
    const expected = keys.filter((_, i) => i % 2 === 0).map((key) => `${key}=view-${key}&click-${key}`);
    const out2 = await readTopic(backend, joined, 2, (r) => r.length >= 1 + expected.length);
    // Give a wrong extra result (a click 5 s after its view) the time to show up before checking there is none.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const all = await readTopic(backend, joined, 2, (r) => r.length >= out2.length);
    assert.deepEqual(text(all), ['u0=view-u0&click-now', ...expected].sort());
  });
  it('joins tables on a foreign key across topics with different partition counts (subscription and response topics)', async (t) => {
    if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
    const [orders, customers, out, app] = ['fk-orders', 'fk-customers', 'fk-out', 'app'].map(uniqueName);
    await backend.admin.createTopics([
      { name: orders, partitions: 3, replicationFactor: 1 },
      { name: customers, partitions: 2, replicationFactor: 1 },
      { name: out, partitions: 3, replicationFactor: 1 },
    ]);
    const b = new StreamsBuilder();
    b.table(orders)
      .join(
        b.table(customers),
        (order) => order.split(':')[0],
        (order, customer) => `${order.split(':')[1]} by ${customer}`,
      )
      .toStream()
      .to(out);
    await started(new KafkaStreams(b.build(), config(app), { backend }));
    const customerIds = ['c0', 'c1', 'c2', 'c3'];
    await produceStrings(
      backend,
      customers,
      2,
      customerIds.map((id) => ({ key: id, value: `name-${id}`, timestamp: T0 + 1_000 })),
    );
    const orderRows = Array.from({ length: 12 }, (_, i) => ({
      key: `o${i}`,
      value: `c${i % 4}:${i * 10}`,
      timestamp: T0 + (2_000 + i),
    }));
    await produceStrings(backend, orders, 3, orderRows);
    const [subscription] = await backend.admin.describeTopics([
      `${app}-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic`,
    ]);
    const [response] = await backend.admin.describeTopics([
      `${app}-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic`,
    ]);
    // Co-partitioned with the table they meet: subscriptions with customers, responses with orders.
    assert.equal(subscription.partitions.length, 2);
    assert.equal(response.partitions.length, 3);
    const expected = orderRows.map((o, i) => `${o.key}=${i * 10} by name-c${i % 4}`).sort();
    const latest = (records: readonly { key: Buffer | null; value: Buffer | null }[]) => {
      const rows = new Map<string, string>();
      for (const r of records) rows.set(r.key!.toString(), r.value?.toString() ?? 'null');
      return [...rows].map(([k, v]) => `${k}=${v}`).sort();
    };
    const result = await readTopic(backend, out, 3, (r) => latest(r).length >= expected.length);
    assert.deepEqual(latest(result), expected);
    // Each result went to the partition its order lives in (the response topic routes back by partition).
    const ordersByPartition = await readTopic(backend, orders, 3, (r) => r.length >= orderRows.length);
    const partitionOf = new Map(ordersByPartition.map((r) => [r.key!.toString(), r.partition]));
    for (const r of result) assert.equal(r.partition, partitionOf.get(r.key!.toString()));
  });
  it('a left stream-stream join emits a record left waiting before a restart once its window closes after it', async (t) => {
    if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
    const [views, clicks, out, app] = ['lj-views', 'lj-clicks', 'lj-out', 'app'].map(uniqueName);
    await backend.admin.createTopics(
      [views, clicks, out].map((name) => ({ name, partitions: 1, replicationFactor: 1 })),
    );
    const topology = () => {
      const b = new StreamsBuilder();
      b.stream(views)
        .leftJoin(b.stream(clicks), (view, click) => `${view}&${click}`, JoinWindows.ofTimeDifferenceWithNoGrace(1_000))
        .to(out);
      return b.build();
    };
    const first = await started(new KafkaStreams(topology(), config(app), { backend }));
    await produceStrings(backend, views, 1, [{ key: 'u1', value: 'view-1', timestamp: T0 + 10_000 }]);
    await committed(backend, app, views, 1);
    assert.equal(await first.close({ timeoutMs: 10_000 }), true);
    // Nothing yet: the view's window (until 11 s) had not closed.
    const before = await readTopic(backend, out, 1, () => true, 1_000);
    assert.deepEqual(text(before), []);

    await started(new KafkaStreams(topology(), config(app), { backend }));
    await produceStrings(backend, clicks, 1, [{ key: 'u1', value: 'late-click', timestamp: T0 + 100_000 }]);
    const after = await readTopic(backend, out, 1, (r) => r.length >= 1);
    assert.deepEqual(text(after), ['u1=view-1&null']);
  });
});
