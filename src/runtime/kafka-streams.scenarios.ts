/**
 * The runtime's behaviour, as one suite run on every backend: `kafka-streams.embedded.test.ts` runs it on the
 * embedded broker and `kafka-streams.kafka.test.ts` on real Kafka (TRIBUTARY_TEST_KAFKA). The topologies are
 * the hand-written fixtures of `test-support/`, so this proves the runtime on its own.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MissingSourceTopicException } from '../errors/streams-exception.ts';
import { StreamThreadExceptionResponse } from '../errors/streams-uncaught-exception-handler.ts';
import type { KafkaBackend } from '../kafka/backend.ts';
import type { BuiltTopology } from '../processor/internals/task-contract.ts';
import { KafkaStreams } from './kafka-streams.ts';
import type { KafkaStreamsState } from './kafka-streams-state.ts';
import type { StreamsConfigProperties } from './streams-config.ts';
import {
  type CountStore,
  countingTopology,
  passThroughTopology,
  type TaskRegistry,
} from './test-support/fixture-topologies.ts';
import {
  countsReach,
  maxCountPerKey,
  produceStrings,
  readTopic,
  uniqueName,
  waitFor,
} from './test-support/runtime-harness.ts';

export interface ScenarioBackend {
  readonly backend: KafkaBackend;
  /** Lowest session timeout the broker accepts. */
  readonly sessionTimeoutMs: number;
}

export function defineRuntimeScenarios(label: string, setup: () => Promise<ScenarioBackend | undefined>): void {
  describe(`KafkaStreams runtime on ${label}`, () => {
    let env: ScenarioBackend | undefined;
    const open: KafkaStreams[] = [];
    const ready = setup().then((e) => (env = e));
    after(async () => {
      await Promise.allSettled(open.map((s) => s.close({ timeoutMs: 10_000 })));
      await env?.backend.close();
    });

    function config(applicationId: string, extra: Partial<StreamsConfigProperties> = {}): StreamsConfigProperties {
      return {
        'application.id': applicationId,
        'commit.interval.ms': 200,
        'poll.ms': 50,
        'session.timeout.ms': env!.sessionTimeoutMs,
        'heartbeat.interval.ms': 200,
        'max.poll.interval.ms': 15_000,
        ...extra,
      };
    }

    function track(streams: KafkaStreams): KafkaStreams {
      open.push(streams);
      return streams;
    }

    /** A KafkaStreams on the backend, closed after the suite, configured by config() for its application. */
    function streamsOf(topology: BuiltTopology, extra: Partial<StreamsConfigProperties> = {}): KafkaStreams {
      return track(new KafkaStreams(topology, config(topology.applicationId, extra), { backend: env!.backend }));
    }

    async function topics(...specs: [string, number][]): Promise<void> {
      await env!.backend.admin.createTopics(
        specs.map(([name, partitions]) => ({ name, partitions, replicationFactor: 1 })),
      );
    }

    /** Fresh names for an input and an output topic (both created with `partitions`) and an application id. */
    async function inputOutputApp(partitions: number): Promise<[input: string, output: string, app: string]> {
      const [input, output, app] = [uniqueName('in'), uniqueName('out'), uniqueName('app')];
      await topics([input, partitions], [output, partitions]);
      return [input, output, app];
    }

    function words(count: number, keys: number, offset = 0): { key: string; value: string }[] {
      return Array.from({ length: count }, (_, i) => ({ key: `k${(i + offset) % keys}`, value: `v${i + offset}` }));
    }

    function expectedCounts(total: number, keys: number): Map<string, number> {
      const counts = new Map<string, number>();
      for (let i = 0; i < total; i++) counts.set(`k${i % keys}`, (counts.get(`k${i % keys}`) ?? 0) + 1);
      return counts;
    }

    it('passes records through, goes CREATED → REBALANCING → RUNNING → PENDING_SHUTDOWN → NOT_RUNNING, commits offsets', async (t) => {
      await ready;
      if (env === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, app] = await inputOutputApp(3);
      await produceStrings(env.backend, input, 3, words(300, 17));
      const streams = streamsOf(passThroughTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output }));
      const states: KafkaStreamsState[] = [streams.state()];
      streams.on('stateChange', (next) => states.push(next));
      await streams.start();
      assert.equal(streams.state(), 'RUNNING');
      const out = await readTopic(env.backend, output, 3, (r) => r.length >= 300);
      assert.equal(out.length, 300);
      assert.deepEqual(new Set(out.map((r) => r.value!.toString())).size, 300);
      // same key → same partition on the way out (Java's murmur2 partitioning)
      const partitionOfKey = new Map<string, number>();
      for (const r of out) {
        const key = r.key!.toString();
        assert.equal(partitionOfKey.get(key) ?? r.partition, r.partition, `key ${key} in two partitions`);
        partitionOfKey.set(key, r.partition);
      }
      assert.equal(await streams.close({ timeoutMs: 10_000 }), true);
      assert.deepEqual(states, ['CREATED', 'REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING']);
      const committed = await env.backend.admin.fetchCommittedOffsets(app);
      assert.equal(
        committed.filter((c) => c.topic === input).reduce((n, c) => n + c.offset, 0),
        300,
      );
    });

    it('creates the changelog with the task count and cleanup.policy=compact, and restores a store from it after a restart', async (t) => {
      await ready;
      if (env === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, app] = await inputOutputApp(2);
      await produceStrings(env.backend, input, 2, words(200, 10));
      const first = streamsOf(countingTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output }));
      await first.start();
      await readTopic(env.backend, output, 2, (r) => r.length >= 200);
      await first.close();
      const [changelog] = await env.backend.admin.describeTopics([`${app}-counts-changelog`]);
      assert.equal(changelog.partitions.length, 2);
      const embeddedTopics = (env.backend as { topics?: Map<string, { configs: Record<string, string> }> }).topics;
      if (embeddedTopics !== undefined) {
        assert.equal(embeddedTopics.get(`${app}-counts-changelog`)?.configs['cleanup.policy'], 'compact');
      }

      const tasks: TaskRegistry = [];
      const second = streamsOf(
        countingTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output }, tasks),
      );
      const restoreEvents: string[] = [];
      let listenerTotal = 0;
      second.setGlobalStateRestoreListener({
        onRestoreStart: (partition, store, _start, end) =>
          restoreEvents.push(`start ${store} ${partition.partition} ${end > 0}`),
        onRestoreEnd: (partition, store, total) => {
          restoreEvents.push(`end ${store} ${partition.partition}`);
          listenerTotal += total;
        },
      });
      await second.start();
      const restored = tasks.map((task) => (task.stores[0] as CountStore).restoredRecords).reduce((a, b) => a + b, 0);
      assert.deepEqual(restoreEvents.sort(), [
        'end counts 0',
        'end counts 1',
        'start counts 0 true',
        'start counts 1 true',
      ]);
      assert.equal(listenerTotal, restored);
      assert.ok(restored >= 10, `restored ${restored} changelog records`);
      await produceStrings(env.backend, input, 2, words(100, 10, 200));
      const out = await readTopic(env.backend, output, 2, (r) => r.length >= 300);
      assert.deepEqual(maxCountPerKey(out), expectedCounts(300, 10));
      await second.close();
    });

    it('two instances split the partitions; when one closes mid-stream the other takes over and no count is lower', async (t) => {
      await ready;
      if (env === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, app] = await inputOutputApp(4);
      const a = streamsOf(countingTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output }));
      const b = streamsOf(countingTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output }));
      await Promise.all([a.start(), b.start()]);
      await waitFor(
        'both instances to own tasks',
        () => taskCount(a) === 2 && taskCount(b) === 2 && a.state() === 'RUNNING' && b.state() === 'RUNNING',
      );

      await produceStrings(env.backend, input, 4, words(400, 20));
      await readTopic(env.backend, output, 4, (r) => r.length >= 400);
      assert.ok(a.processedRecords() > 0 && b.processedRecords() > 0, 'both instances processed records');
      await produceStrings(env.backend, input, 4, words(400, 20, 400));
      await a.close();
      await waitFor('the survivor to own every task', () => taskCount(b) === 4 && b.state() === 'RUNNING');
      await produceStrings(env.backend, input, 4, words(400, 20, 800));
      const expected = expectedCounts(1200, 20);
      const out = await readTopic(env.backend, output, 4, (r) => countsReach(r, expected));
      const counts = maxCountPerKey(out);
      for (const [key, n] of expected)
        assert.ok((counts.get(key) ?? 0) >= n, `count of ${key}: ${counts.get(key)} < ${n}`);
      await b.close();
    });

    it('an instance joining mid-stream takes tasks over cleanly: every count exact, no duplicates', async (t) => {
      await ready;
      if (env === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, app] = await inputOutputApp(4);
      const make = () => streamsOf(countingTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output }));
      const a = make();
      await a.start();
      await produceStrings(env.backend, input, 4, words(400, 12));
      await readTopic(env.backend, output, 4, (r) => r.length >= 400);
      const b = make();
      const joining = b.start();
      await produceStrings(env.backend, input, 4, words(400, 12, 400)); // while the group rebalances
      await joining;
      await waitFor('the tasks to be split', () => taskCount(a) === 2 && taskCount(b) === 2);
      await produceStrings(env.backend, input, 4, words(400, 12, 800));
      const expected = expectedCounts(1200, 12);
      const out = await readTopic(env.backend, output, 4, (r) => countsReach(r, expected));
      assert.deepEqual(maxCountPerKey(out), expected);
      assert.equal(out.length, 1200, 'a clean handover emits each count once');
      await Promise.all([a.close(), b.close()]);
    });

    it('after a thread dies without committing, the other instance takes over and no count is lower', async (t) => {
      await ready;
      if (env === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, app] = await inputOutputApp(2);
      // Whichever instance owns key k3 fails on it (once, when armed): SHUTDOWN_CLIENT closes it dirty, as a
      // crash would, after it committed some counts, so the survivor must restore them from the changelog.
      const poison = { remaining: 0, matches: (key: string) => key === 'k3' };
      const errors: Error[] = [];
      const instances = [0, 1].map(() => {
        const streams = streamsOf(
          countingTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output, poison }),
        );
        streams.setUncaughtExceptionHandler((error) => {
          errors.push(error);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        return streams;
      });
      await Promise.all(instances.map((s) => s.start()));
      await waitFor('both instances to own tasks', () => instances.every((s) => taskCount(s) === 1));
      await produceStrings(env.backend, input, 2, words(400, 8));
      await readTopic(env.backend, output, 2, (r) => r.length >= 400);
      await new Promise((resolve) => setTimeout(resolve, 500)); // past a commit interval
      poison.remaining = 1;
      await produceStrings(env.backend, input, 2, words(400, 8, 400));
      await waitFor('one instance to fail and reach ERROR', () => instances.some((s) => s.state() === 'ERROR'));
      assert.match(errors[0]?.message ?? '', /poison record/);
      const survivor = instances.find((s) => s.state() !== 'ERROR')!;
      await waitFor(
        'the survivor to own both tasks',
        () => taskCount(survivor) === 2 && survivor.state() === 'RUNNING',
        30_000,
      );
      const expected = expectedCounts(800, 8);
      const out = await readTopic(env.backend, output, 2, (r) => countsReach(r, expected), 30_000);
      const counts = maxCountPerKey(out);
      for (const [key, n] of expected) assert.ok((counts.get(key) ?? 0) >= n);
      await survivor.close();
    });

    it('num.stream.threads: 2 runs two loops, each a group member with its share of the tasks', async (t) => {
      await ready;
      if (env === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, app] = await inputOutputApp(4);
      const streams = streamsOf(countingTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output }), {
        'num.stream.threads': 2,
      });
      await streams.start();
      await waitFor('each thread to run two tasks', () =>
        streams
          .metadataForLocalThreads()
          .every((th) => th.activeTasks.filter((task) => task.phase === 'running').length === 2),
      );
      assert.equal(streams.metadataForLocalThreads().length, 2);
      await produceStrings(env.backend, input, 4, words(200, 10));
      const out = await readTopic(env.backend, output, 4, (r) => r.length >= 200);
      assert.deepEqual(maxCountPerKey(out), expectedCounts(200, 10));
      await streams.close();
    });

    it('exactly_once_v2: a thread that fails mid-stream is replaced and every count is exact (no duplicates)', async (t) => {
      await ready;
      if (env === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, app] = await inputOutputApp(2);
      // Fails once on k5 after some counts were committed: what the failed transaction wrote must not count.
      const poison = { remaining: 0, matches: (key: string) => key === 'k5' };
      const streams = streamsOf(
        countingTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output, poison }),
        { 'processing.guarantee': 'exactly_once_v2', 'commit.interval.ms': 100 },
      );
      let failures = 0;
      streams.setUncaughtExceptionHandler(() => {
        failures++;
        return StreamThreadExceptionResponse.REPLACE_THREAD;
      });
      await streams.start();
      await produceStrings(env.backend, input, 2, words(300, 10));
      await readTopic(env.backend, output, 2, (r) => r.length >= 300, 20_000, 'read_committed');
      poison.remaining = 1;
      await produceStrings(env.backend, input, 2, words(300, 10, 300));
      const expected = expectedCounts(600, 10);
      const out = await readTopic(env.backend, output, 2, (r) => countsReach(r, expected), 30_000, 'read_committed');
      assert.equal(failures, 1);
      assert.deepEqual(maxCountPerKey(out), expected);
      // Exactly once: each count 1..n appears once per key in the committed output.
      assert.equal(out.length, 600);
      await streams.close();
    });

    it("publishes every instance's application.server with the partitions it owns", async (t) => {
      await ready;
      if (env === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, app] = await inputOutputApp(4);
      const [a, b] = ['host-a:8080', 'host-b:8080'].map((endpoint) =>
        streamsOf(passThroughTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output }), {
          'application.server': endpoint,
        }),
      );
      await Promise.all([a.start(), b.start()]);
      await waitFor(
        'tasks split',
        () => taskCount(a) === 2 && taskCount(b) === 2 && a.state() === 'RUNNING' && b.state() === 'RUNNING',
      );
      const metadata = a.metadataForAllStreamsClients();
      assert.deepEqual(metadata.map((m) => m.hostInfo).sort(), ['host-a:8080', 'host-b:8080']);
      const keys = (parts: readonly { topic: string; partition: number }[]) =>
        parts.map((p) => `${p.topic}-${p.partition}`).sort();
      assert.deepEqual(
        keys(metadata.flatMap((m) => m.topicPartitions)),
        keys([0, 1, 2, 3].map((partition) => ({ topic: input, partition }))),
      );
      const ownedByA = a
        .metadataForLocalThreads()
        .flatMap((th) => th.activeTasks.flatMap((task) => task.topicPartitions));
      assert.deepEqual(keys(metadata.find((m) => m.hostInfo === 'host-a:8080')!.topicPartitions), keys(ownedByA));
      await Promise.all([a.close(), b.close()]);
    });

    it('addStreamThread / removeStreamThread rebalance the tasks over the loops', async (t) => {
      await ready;
      if (env === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, app] = await inputOutputApp(4);
      const streams = streamsOf(countingTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output }));
      await streams.start();
      const perThread = () =>
        streams
          .metadataForLocalThreads()
          .map((th) => th.activeTasks.filter((task) => task.phase === 'running').length)
          .sort();
      await produceStrings(env.backend, input, 4, words(200, 10));
      await readTopic(env.backend, output, 4, (r) => r.length >= 200);
      const added = await streams.addStreamThread();
      assert.match(added ?? '', /StreamThread-2$/);
      await waitFor(
        'two threads with two tasks each',
        () => perThread().join() === '2,2' && streams.state() === 'RUNNING',
      );
      await produceStrings(env.backend, input, 4, words(200, 10, 200));
      assert.equal(await streams.removeStreamThread(), added);
      await waitFor(
        'one thread with all four tasks',
        () => perThread().join() === '4' && streams.state() === 'RUNNING',
      );
      await produceStrings(env.backend, input, 4, words(200, 10, 400));
      const out = await readTopic(env.backend, output, 4, (r) => r.length >= 600);
      assert.deepEqual(maxCountPerKey(out), expectedCounts(600, 10));
      await streams.close();
    });

    it('a source pattern picks up a matching topic created after start', async (t) => {
      await ready;
      if (env === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [prefix, output, app] = [uniqueName('pat'), uniqueName('out'), uniqueName('app')];
      await topics([`${prefix}-a`, 2], [output, 2]);
      const streams = streamsOf(
        passThroughTopology({
          applicationId: app,
          sourceTopics: [],
          sourcePattern: new RegExp(`^${prefix}-`),
          sinkTopic: output,
        }),
        { 'metadata.max.age.ms': 200 },
      );
      await streams.start();
      await produceStrings(env.backend, `${prefix}-a`, 2, words(10, 5));
      await readTopic(env.backend, output, 2, (r) => r.length >= 10);
      await topics([`${prefix}-b`, 2]);
      await produceStrings(env.backend, `${prefix}-b`, 2, [{ key: 'late', value: 'from b' }]);
      const out = await readTopic(
        env.backend,
        output,
        2,
        (r) => r.some((x) => x.value?.toString() === 'from b'),
        30_000,
      );
      assert.equal(out.filter((r) => r.value!.toString() !== 'from b').length, 10);
      await streams.close();
    });

    it('REPLACE_THREAD starts a new stream thread that carries on', async (t) => {
      await ready;
      if (env === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, app] = await inputOutputApp(1);
      const poison = { remaining: 1, matches: (key: string) => key === 'k2' };
      const streams = streamsOf(
        countingTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output, poison }),
      );
      let failures = 0;
      streams.setUncaughtExceptionHandler(() => {
        failures++;
        return StreamThreadExceptionResponse.REPLACE_THREAD;
      });
      await streams.start();
      await produceStrings(env.backend, input, 1, words(50, 5));
      const out = await readTopic(
        env.backend,
        output,
        1,
        (r) => (maxCountPerKey(r).get('k4') ?? 0) >= 10 && (maxCountPerKey(r).get('k2') ?? 0) >= 10,
        30_000,
      );
      assert.equal(failures, 1);
      for (const [key, n] of expectedCounts(50, 5)) assert.ok((maxCountPerKey(out).get(key) ?? 0) >= n);
      await waitFor('RUNNING again', () => streams.state() === 'RUNNING');
      await streams.close();
    });

    it('SHUTDOWN_APPLICATION stops every instance of the application', async (t) => {
      await ready;
      if (env === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, app] = await inputOutputApp(2);
      const poison = { remaining: 1, matches: (key: string) => key === 'k1' || key === 'k0' };
      const a = streamsOf(countingTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output, poison }));
      const b = streamsOf(countingTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output, poison }));
      for (const s of [a, b]) s.setUncaughtExceptionHandler(() => StreamThreadExceptionResponse.SHUTDOWN_APPLICATION);
      await Promise.all([a.start(), b.start()]);
      await produceStrings(env.backend, input, 2, words(20, 2));
      await waitFor('both instances in ERROR', () => a.state() === 'ERROR' && b.state() === 'ERROR', 30_000);
      assert.ok([a, b].some((s) => /SHUTDOWN_APPLICATION/.test(s.error()?.message ?? '')));
    });

    it('fails start() with MissingSourceTopicException naming the topic, and ends in ERROR', async (t) => {
      await ready;
      if (env === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const app = uniqueName('app');
      const missing = uniqueName('no-such-topic');
      const streams = streamsOf(
        passThroughTopology({ applicationId: app, sourceTopics: [missing], sinkTopic: 'whatever' }),
      );
      await assert.rejects(
        streams.start(),
        (error: Error) => error instanceof MissingSourceTopicException && error.message.includes(`"${missing}"`),
      );
      await waitFor('ERROR', () => streams.state() === 'ERROR');
    });
  });
}

function taskCount(streams: KafkaStreams): number {
  return streams
    .metadataForLocalThreads()
    .reduce((n, t) => n + t.activeTasks.filter((task) => task.phase === 'running').length, 0);
}
