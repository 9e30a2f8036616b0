/**
 * Page views per user on a broker (embedded, and real Kafka when TRIBUTARY_TEST_KAFKA is set): views keyed by page
 * are re-keyed by user through the repartition topic and counted; the counts survive a restart (changelog).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KafkaStreams } from '../../src/runtime/kafka-streams.ts';
import { produceStrings, readTopic, uniqueName } from '../../src/runtime/test-support/runtime-harness.ts';
import { recreateTopics, testBackends } from '../../src/runtime/test-support/test-backends.ts';
import { buildPageViewsTopology, PAGE_VIEWS_TOPIC, type PageView, VIEWS_PER_USER_TOPIC } from './topology.ts';

function views(count: number, offset: number): PageView[] {
  return Array.from({ length: count }, (_, i) => ({
    user: `user-${(i + offset) % 5}`,
    page: `/page/${(i + offset) % 11}`,
  }));
}

function latest(records: readonly { key: Buffer | null; value: Buffer | null }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.key!.toString(), Number(r.value!.readBigInt64BE()));
  return counts;
}

for (const target of testBackends) {
  describe(`page views per user on ${target.label}`, () => {
    it('counts views per user through the repartition topic, and keeps counting after a restart', async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const app = uniqueName('page-views');
      const send = (list: PageView[]) =>
        produceStrings(
          backend,
          PAGE_VIEWS_TOPIC,
          3,
          list.map((view) => ({ key: view.page, value: JSON.stringify(view) })),
        );
      const config = { 'application.id': app, 'commit.interval.ms': 100, 'poll.ms': 50 };
      try {
        await recreateTopics(backend, [
          [PAGE_VIEWS_TOPIC, 3],
          [VIEWS_PER_USER_TOPIC, 3],
        ]);
        await send(views(50, 0));
        const first = new KafkaStreams(buildPageViewsTopology(), config, { backend });
        await first.start();
        await readTopic(backend, VIEWS_PER_USER_TOPIC, 3, (r) => r.length >= 50);
        await first.close();
        const [repartition] = await backend.admin.describeTopics([`${app}-views-by-user-repartition`]);
        assert.equal(repartition.partitions.length, 3);

        await send(views(25, 50));
        const second = new KafkaStreams(buildPageViewsTopology(), config, { backend });
        await second.start();
        const out = await readTopic(backend, VIEWS_PER_USER_TOPIC, 3, (r) => r.length >= 75);
        const expected = new Map<string, number>();
        for (const view of views(75, 0)) expected.set(view.user, (expected.get(view.user) ?? 0) + 1);
        assert.deepEqual(latest(out), expected);
        await second.close();
      } finally {
        await backend.close();
      }
    });
  });
}
