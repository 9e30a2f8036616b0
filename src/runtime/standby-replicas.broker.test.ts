/**
 * Standby replicas (num.standby.replicas = 1) on a broker: two instances of a word count each keep a standby of
 * the other's task; when one instance stops, the other becomes active for its task and restores only the short
 * tail its standby had not read, not the whole changelog, and the counts go on exactly. Runs on the embedded
 * broker and on real Kafka (TRIBUTARY_TEST_KAFKA; skipped without it).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Materialized } from '../dsl/materialized.ts';
import { Produced } from '../dsl/produced.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import type { KafkaBackend } from '../kafka/backend.ts';
import { QueryableStoreTypes } from '../query/queryable-store-types.ts';
import { StoreQueryParameters } from '../query/store-query-parameters.ts';
import { Serdes } from '../serdes/serdes.ts';
import { Stores } from '../state/stores.ts';
import { KafkaStreams } from './kafka-streams.ts';
import type { StandbyUpdateListener } from './standby-update-listener.ts';
import type { StreamsConfigProperties } from './streams-config.ts';
import { RestoreCounter } from './test-support/persistent-count-app.ts';
import {
  countsReach,
  maxCountPerKey,
  produceStrings,
  readTopic,
  uniqueName,
  waitFor,
} from './test-support/runtime-harness.ts';
import { testBackends } from './test-support/test-backends.ts';

const PARTITIONS = 2;
/** Many keys: stores log each key's latest value once per commit, so the changelog grows with the keys. */
const KEYS = 1_000;

function countTopology(input: string, output: string, persistent: boolean) {
  const builder = new StreamsBuilder();
  builder
    .stream(input)
    .groupByKey()
    .count(
      Materialized.as(persistent ? Stores.persistentKeyValueStore('counts') : Stores.inMemoryKeyValueStore('counts')),
    )
    .toStream()
    .to(output, Produced.with(Serdes.String(), Serdes.Long()));
  return builder.build();
}

function words(count: number, offset = 0): { key: string; value: string }[] {
  return Array.from({ length: count }, (_, i) => ({ key: `k${(i + offset) % KEYS}`, value: `v${i + offset}` }));
}

function expectedCounts(total: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < total; i++) counts.set(`k${i % KEYS}`, (counts.get(`k${i % KEYS}`) ?? 0) + 1);
  return counts;
}

class StandbyCounter implements StandbyUpdateListener {
  loaded = 0;
  promoted = 0;
  onBatchLoaded(_p: unknown, _s: string, _t: string, _end: number, batchSize: number): void {
    this.loaded += batchSize;
  }
  onUpdateSuspended(_p: unknown, _s: string, _o: number, _e: number, reason: string): void {
    if (reason === 'PROMOTED') this.promoted++;
  }
}

for (const target of testBackends) {
  describe(`standby replicas on ${target.label}`, () => {
    const backend: KafkaBackend | undefined = target.open();
    const open: KafkaStreams[] = [];
    const directories: string[] = [];
    after(async () => {
      await Promise.allSettled(open.map((s) => s.close({ timeoutMs: 10_000 })));
      await backend?.close();
      for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    });

    function instance(
      app: string,
      input: string,
      output: string,
      persistent: boolean,
      eos: boolean,
      server: string,
      threads = 1,
    ) {
      const stateDir = mkdtempSync(join(tmpdir(), 'tributary-standby-'));
      directories.push(stateDir);
      const config: StreamsConfigProperties = {
        'application.id': app,
        'num.standby.replicas': 1,
        'num.stream.threads': threads,
        'application.server': server,
        'processing.guarantee': eos ? 'exactly_once_v2' : 'at_least_once',
        'state.dir': stateDir,
        'commit.interval.ms': 100,
        'poll.ms': 50,
        'session.timeout.ms': target.sessionTimeoutMs,
        'heartbeat.interval.ms': 200,
        'max.poll.interval.ms': 15_000,
      };
      const streams = new KafkaStreams(countTopology(input, output, persistent), config, { backend });
      open.push(streams);
      const restores = new RestoreCounter();
      const standbys = new StandbyCounter();
      streams.setGlobalStateRestoreListener(restores);
      streams.setStandbyUpdateListener(standbys);
      return { streams, restores, standbys, stateDir };
    }

    const allTasksOf = (streams: KafkaStreams) => {
      const threads = streams.metadataForLocalThreads();
      return {
        active: threads.flatMap((th) => th.activeTasks.map((t) => t.taskId)),
        standby: threads.flatMap((th) => th.standbyTasks.map((t) => t.taskId)),
        standbyPositions: new Map(
          threads.flatMap((th) => th.standbyTasks.map((t) => [t.taskId, t.changelogs[0]?.position ?? -1] as const)),
        ),
      };
    };

    it('with two stream threads per instance, every task has a standby on the other instance, and failover restores only tails', async (t) => {
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const partitions = 4;
      const [input, output, app] = [uniqueName('standby-in'), uniqueName('standby-out'), uniqueName('standby-app')];
      await backend.admin.createTopics([
        { name: input, partitions, replicationFactor: 1 },
        { name: output, partitions, replicationFactor: 1 },
      ]);
      const a = instance(app, input, output, true, false, 'host-a:1', 2);
      const b = instance(app, input, output, true, false, 'host-b:2', 2);
      await Promise.all([a.streams.start(), b.streams.start()]);
      await waitFor('every task active on one instance and standby on the other', () => {
        const [ta, tb] = [allTasksOf(a.streams), allTasksOf(b.streams)];
        return (
          ta.active.length === 2 &&
          tb.active.length === 2 &&
          ta.active.toSorted().join() === tb.standby.toSorted().join() &&
          tb.active.toSorted().join() === ta.standby.toSorted().join()
        );
      });
      for (const th of [...a.streams.metadataForLocalThreads(), ...b.streams.metadataForLocalThreads()])
        assert.equal(th.standbyTasks.length, 1, `${th.threadName} keeps one standby`);

      const first = 3_000;
      await produceStrings(backend, input, partitions, words(first));
      await readTopic(backend, output, partitions, (r) => countsReach(r, expectedCounts(first)));
      const aTasks = allTasksOf(a.streams).active;
      const ends = async () =>
        (
          await backend.admin.listOffsets(
            aTasks.map((task) => ({
              topic: `${app}-counts-changelog`,
              partition: Number(task.split('_')[1]),
              spec: 'latest' as const,
            })),
          )
        ).map((l) => l.offset);
      let end = 0;
      const deadline = Date.now() + 20_000;
      for (;;) {
        const offsets = await ends();
        end = offsets.reduce((x, y) => x + y, 0);
        const positions = allTasksOf(b.streams).standbyPositions;
        if (end > 0 && aTasks.every((task, i) => (positions.get(task) ?? -1) >= offsets[i])) break;
        assert.ok(Date.now() < deadline, `b's standbys of ${aTasks.join(', ')} did not catch up`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const restoredBefore = b.restores.restored;
      await a.streams.close({ timeoutMs: 10_000 });
      await waitFor(
        'b to own every task',
        () => allTasksOf(b.streams).active.length === partitions && b.streams.state() === 'RUNNING',
        30_000,
      );
      assert.equal(b.standbys.promoted, 2, 'both standbys were promoted');
      const restoredTail = b.restores.restored - restoredBefore;
      assert.ok(restoredTail < end / 10, `b restored ${restoredTail} records; a's changelog partitions hold ${end}`);
      t.diagnostic(`a's changelog partitions ${end} records; restored after failover ${restoredTail}`);
      const second = 1_000;
      await produceStrings(backend, input, partitions, words(second, first));
      const expected = expectedCounts(first + second);
      const out = await readTopic(backend, output, partitions, (r) => countsReach(r, expected));
      assert.deepEqual(maxCountPerKey(out), expected);
      await b.streams.close({ timeoutMs: 10_000 });
    });

    const tasksOf = (streams: KafkaStreams) => {
      const [thread] = streams.metadataForLocalThreads();
      return {
        active: thread?.activeTasks.map((t) => t.taskId) ?? [],
        standby: thread?.standbyTasks.map((t) => t.taskId) ?? [],
      };
    };

    for (const [persistent, eos] of [
      [false, false],
      [true, false],
      [true, true],
    ]) {
      const store = `${persistent ? 'persistent' : 'in-memory'} store${eos ? ', exactly_once_v2' : ''}`;
      it(`the survivor restores only the tail its standby missed, and counts on exactly (${store})`, async (t) => {
        if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
        const [input, output, app] = [uniqueName('standby-in'), uniqueName('standby-out'), uniqueName('standby-app')];
        await backend.admin.createTopics([
          { name: input, partitions: PARTITIONS, replicationFactor: 1 },
          { name: output, partitions: PARTITIONS, replicationFactor: 1 },
        ]);
        const isolation = eos ? 'read_committed' : 'read_uncommitted';
        const a = instance(app, input, output, persistent, eos, 'host-a:1');
        const b = instance(app, input, output, persistent, eos, 'host-b:2');
        await Promise.all([a.streams.start(), b.streams.start()]);
        await waitFor('each instance to hold one active task and the other one as a standby', () => {
          const [ta, tb] = [tasksOf(a.streams), tasksOf(b.streams)];
          return (
            ta.active.length === 1 &&
            tb.active.length === 1 &&
            ta.standby.length === 1 &&
            tb.standby.length === 1 &&
            ta.standby[0] === tb.active[0] &&
            tb.standby[0] === ta.active[0]
          );
        });

        const first = 3_000;
        await produceStrings(backend, input, PARTITIONS, words(first));
        await readTopic(backend, output, PARTITIONS, (r) => countsReach(r, expectedCounts(first)), 20_000, isolation);
        // a's task: its changelog partition, and b's standby of it caught up with the changelog's end.
        const [aTask] = tasksOf(a.streams).active;
        const partition = Number(aTask.split('_')[1]);
        const changelog = { topic: `${app}-counts-changelog`, partition };
        const changelogEnd = async () =>
          (await backend.admin.listOffsets([{ ...changelog, spec: 'latest' }]))[0].offset;
        await waitFor(
          'a to commit every count',
          () => a.streams.processedRecords() + b.streams.processedRecords() >= first,
        );
        let end = await changelogEnd();
        const deadline = Date.now() + 20_000;
        for (;;) {
          const standby = b.streams.metadataForLocalThreads()[0].standbyTasks.find((s) => s.taskId === aTask);
          const position = standby?.changelogs[0]?.position ?? -1;
          end = await changelogEnd();
          if (position >= end && end > 0) break;
          assert.ok(Date.now() < deadline, `b's standby of ${aTask} reached ${position} of ${end}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.ok(end >= 400, `the changelog partition holds ${end} records`);
        // Under exactly-once each transaction adds a commit marker (an offset without a record) to the changelog.
        assert.ok(b.standbys.loaded >= (eos ? end / 2 : end), `b's standby loaded ${b.standbys.loaded} records`);
        if (persistent) {
          await waitFor('b to checkpoint its standby', () => existsSync(join(b.stateDir, app, aTask, '.checkpoint')));
        }

        // b's standby answers stale queries for a's partition with a's counts.
        const standbyCounts = b.streams.store(
          StoreQueryParameters.fromNameAndType('counts', QueryableStoreTypes.keyValueStore<string, number>())
            .withPartition(partition)
            .enableStaleStores(),
        );
        const firstCounts = expectedCounts(first);
        let answered = 0;
        for (const [key, n] of firstCounts) {
          const value = standbyCounts.get(key);
          if (value === undefined) continue;
          assert.equal(value, n, `standby count of ${key}`);
          answered++;
        }
        assert.ok(answered > 0 && answered < KEYS, `the standby holds ${answered} of the ${KEYS} keys (one partition)`);

        // Interactive queries name b as the standby host of a's keys, and a as that of b's.
        for (const key of ['k1', 'k2', 'k3', 'k4']) {
          const metadata = b.streams.queryMetadataForKey('counts', key, Serdes.String());
          const [active, standby] = metadata.partition === partition ? ['host-a', 'host-b'] : ['host-b', 'host-a'];
          assert.equal(metadata.activeHost.host, active, `active host of ${key}`);
          assert.deepEqual(
            metadata.standbyHosts.map((h) => h.host),
            [standby],
            `standby hosts of ${key}`,
          );
        }
        const clients = a.streams.metadataForAllStreamsClients();
        assert.deepEqual(
          clients.map((c) => [c.hostInfo, c.standbyStateStoreNames, c.standbyTopicPartitions.length]).sort(),
          [
            ['host-a:1', ['counts'], 1],
            ['host-b:2', ['counts'], 1],
          ],
        );

        const restoredBefore = b.restores.restored;
        await a.streams.close({ timeoutMs: 10_000 });
        await waitFor(
          'b to own both tasks',
          () => tasksOf(b.streams).active.length === PARTITIONS && b.streams.state() === 'RUNNING',
          30_000,
        );
        assert.equal(b.standbys.promoted, 1, 'the standby was promoted, not rebuilt');
        const restoredTail = b.restores.restored - restoredBefore;
        assert.ok(
          restoredTail < end / 10,
          `b restored ${restoredTail} records after the failover; the changelog partition holds ${end}`,
        );

        t.diagnostic(
          `changelog partition ${end} records; b's standby loaded ${b.standbys.loaded}; restored after failover ${restoredTail}`,
        );
        const second = 1_000;
        await produceStrings(backend, input, PARTITIONS, words(second, first));
        const expected = expectedCounts(first + second);
        const out = await readTopic(backend, output, PARTITIONS, (r) => countsReach(r, expected), 20_000, isolation);
        assert.deepEqual(maxCountPerKey(out), expected);
        await b.streams.close({ timeoutMs: 10_000 });
      });
    }
  });
}
