/**
 * Persistent stores under KafkaStreams (embedded broker, and real Kafka when TRIBUTARY_TEST_KAFKA is set): a
 * task's `.checkpoint` is written after commits, a restarted instance restores only the changelog after it,
 * exactly-once keeps no checkpoint while running, and two instances cannot share one state directory.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KafkaBackend } from '../kafka/backend.ts';
import { longSerde } from '../serdes/primitive-serdes.ts';
import { stringSerde } from '../serdes/string-serde.ts';
import { PersistentKeyValueStore } from '../state/persistent-key-value-store.ts';
import { readOffsetCheckpoint } from './offset-checkpoint.ts';
import { COUNT_STORE, type PersistentCountOptions, persistentCountApp } from './test-support/persistent-count-app.ts';
import { maxCountPerKey, produceStrings, readTopic, uniqueName } from './test-support/runtime-harness.ts';
import { testBackends } from './test-support/test-backends.ts';

const PARTITIONS = 2;
const KEYS = 20;

function words(perKey: number, from = 0): { key: string; value: string }[] {
  return Array.from({ length: KEYS * perKey }, (_, i) => ({ key: `w${i % KEYS}`, value: `${from + i}` }));
}

async function changelogEnd(backend: KafkaBackend, topic: string): Promise<number> {
  const listed = await backend.admin.listOffsets(
    Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, spec: 'latest' as const })),
  );
  return listed.reduce((sum, l) => sum + l.offset, 0);
}

/** Runs `app` until every key's count reached `perKey` in the output, then closes it (clean: checkpointed). */
async function runUntilCounted(
  backend: KafkaBackend,
  options: PersistentCountOptions,
  produce: { key: string; value: string }[],
  perKey: number,
): Promise<{ restored: number; counts: Map<string, number> }> {
  const { streams, restores } = persistentCountApp(options, backend);
  try {
    await streams.start();
    await produceStrings(backend, options.input, PARTITIONS, produce);
    const out = await readTopic(backend, options.output, PARTITIONS, (r) => {
      const counts = maxCountPerKey(r);
      return counts.size === KEYS && [...counts.values()].every((n) => n >= perKey);
    });
    return { restored: restores.restored, counts: maxCountPerKey(out) };
  } finally {
    await streams.close({ timeoutMs: 20_000 });
  }
}

for (const target of testBackends) {
  describe(`persistent stores on ${target.label}`, () => {
    it('a restarted instance restores only the changelog written after its checkpoint, and counts on', {
      timeout: 120_000,
    }, async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, applicationId] = [uniqueName('words'), uniqueName('counts'), uniqueName('app')];
      const changelog = `${applicationId}-${COUNT_STORE}-changelog`;
      const dirA = mkdtempSync(join(tmpdir(), 'tributary-state-a-'));
      const dirB = mkdtempSync(join(tmpdir(), 'tributary-state-b-'));
      const base = { applicationId, input, output };
      try {
        await backend.admin.createTopics([
          { name: input, partitions: PARTITIONS, replicationFactor: 1 },
          { name: output, partitions: PARTITIONS, replicationFactor: 1 },
        ]);
        // Instance A counts 5 per key, closes cleanly: each task's checkpoint names the changelog's last offset.
        const first = await runUntilCounted(backend, { ...base, stateDir: dirA }, words(5), 5);
        assert.equal(first.restored, 0);
        const endAfterA = await changelogEnd(backend, changelog);
        assert.ok(endAfterA > 0);
        let checkpointed = 0;
        for (let p = 0; p < PARTITIONS; p++) {
          const checkpoint = readOffsetCheckpoint(join(dirA, applicationId, `0_${p}`, '.checkpoint'));
          const entry = checkpoint.get(`${changelog}-${p}`);
          assert.ok(entry !== undefined, `task 0_${p} has a checkpoint for its changelog partition`);
          checkpointed += entry.offset + 1;
        }
        assert.equal(checkpointed, endAfterA, 'the checkpoints name the end of the changelog');

        // Instance B (another machine, in effect: its own state.dir) restores everything, counts 3 more per key.
        const second = await runUntilCounted(backend, { ...base, stateDir: dirB }, words(3, 1000), 8);
        assert.equal(second.restored, endAfterA, 'an empty state directory restores the whole changelog');
        const endAfterB = await changelogEnd(backend, changelog);

        // A again: only what B logged after A's checkpoint is restored; the counts continue from there.
        const third = await runUntilCounted(backend, { ...base, stateDir: dirA }, words(2, 2000), 10);
        assert.equal(third.restored, endAfterB - endAfterA, 'only the changelog tail after the checkpoint');
        assert.ok(third.restored < endAfterB);
        assert.deepEqual(
          [...third.counts.values()].sort(),
          Array.from({ length: KEYS }, () => 10),
          'every key counted exactly 10 (clean shutdowns: nothing twice)',
        );
      } finally {
        rmSync(dirA, { recursive: true, force: true });
        rmSync(dirB, { recursive: true, force: true });
        await backend.close();
      }
    });

    it('under exactly_once_v2 no checkpoint exists while running; a clean close writes it and a restart restores nothing', {
      timeout: 90_000,
    }, async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, applicationId] = [uniqueName('words'), uniqueName('counts'), uniqueName('app')];
      const stateDir = mkdtempSync(join(tmpdir(), 'tributary-state-eos-'));
      const options: PersistentCountOptions = {
        applicationId,
        input,
        output,
        stateDir,
        processingGuarantee: 'exactly_once_v2',
      };
      const checkpoints = () =>
        Array.from({ length: PARTITIONS }, (_, p) =>
          existsSync(join(stateDir, applicationId, `0_${p}`, '.checkpoint')),
        );
      try {
        await backend.admin.createTopics([
          { name: input, partitions: PARTITIONS, replicationFactor: 1 },
          { name: output, partitions: PARTITIONS, replicationFactor: 1 },
        ]);
        const { streams, restores } = persistentCountApp(options, backend);
        await streams.start();
        await produceStrings(backend, input, PARTITIONS, words(4));
        await readTopic(
          backend,
          output,
          PARTITIONS,
          (r) => [...maxCountPerKey(r).values()].filter((n) => n >= 4).length === KEYS,
          20_000,
          'read_committed',
        );
        assert.deepEqual(checkpoints(), [false, false], 'no checkpoint while the task runs under exactly-once');
        await streams.close({ timeoutMs: 20_000 });
        assert.equal(restores.restored, 0);
        assert.deepEqual(checkpoints(), [true, true], 'a clean close writes the checkpoints');

        const restarted = persistentCountApp(options, backend);
        await restarted.streams.start();
        await produceStrings(backend, input, PARTITIONS, words(1, 500));
        const out = await readTopic(
          backend,
          output,
          PARTITIONS,
          (r) => [...maxCountPerKey(r).values()].filter((n) => n >= 5).length === KEYS,
          20_000,
          'read_committed',
        );
        await restarted.streams.close({ timeoutMs: 20_000 });
        assert.equal(restarted.restores.restored, 0, 'the store on disk was complete: nothing to restore');
        assert.deepEqual(
          [...maxCountPerKey(out).values()],
          Array.from({ length: KEYS }, () => 5),
        );
      } finally {
        rmSync(stateDir, { recursive: true, force: true });
        await backend.close();
      }
    });

    it('under exactly_once_v2 a store left without checkpoint (a crash) is wiped and rebuilt from the changelog', {
      timeout: 90_000,
    }, async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, applicationId] = [uniqueName('words'), uniqueName('counts'), uniqueName('app')];
      const stateDir = mkdtempSync(join(tmpdir(), 'tributary-state-eos-crash-'));
      const options: PersistentCountOptions = {
        applicationId,
        input,
        output,
        stateDir,
        processingGuarantee: 'exactly_once_v2',
      };
      const reached = (perKey: number) => (r: Parameters<typeof maxCountPerKey>[0]) =>
        [...maxCountPerKey(r).values()].filter((n) => n >= perKey).length === KEYS;
      try {
        await backend.admin.createTopics([
          { name: input, partitions: PARTITIONS, replicationFactor: 1 },
          { name: output, partitions: PARTITIONS, replicationFactor: 1 },
        ]);
        const first = persistentCountApp(options, backend);
        await first.streams.start();
        await produceStrings(backend, input, PARTITIONS, words(4));
        await readTopic(backend, output, PARTITIONS, reached(4), 20_000, 'read_committed');
        await first.streams.close({ timeoutMs: 20_000 });
        // What a crash leaves: no checkpoint, and in the store writes of a transaction that was aborted.
        for (let p = 0; p < PARTITIONS; p++) {
          rmSync(join(stateDir, applicationId, `0_${p}`, '.checkpoint'));
          const store = new PersistentKeyValueStore<string, number>(COUNT_STORE, stringSerde, longSerde);
          store.init({
            taskId: `0_${p}`,
            partition: p,
            changelogTopic: undefined,
            collector: { send: () => {}, partitionsFor: () => undefined },
            config: { 'state.dir': stateDir, 'application.id': applicationId },
            currentTimestamp: () => 0,
          });
          for (const { key } of store.all()) store.put(key, 1_000);
          // A key the changelog never had: replaying the changelog alone would leave it.
          store.put('ghost', 1_000);
          store.flush();
          await store.whenWritten();
          store.close();
          await store.whenClosed();
        }
        const changelogRecords = await changelogEnd(backend, `${applicationId}-${COUNT_STORE}-changelog`);

        const restarted = persistentCountApp(options, backend);
        await restarted.streams.start();
        await produceStrings(backend, input, PARTITIONS, [...words(1, 500), { key: 'ghost', value: 'boo' }]);
        const out = await readTopic(
          backend,
          output,
          PARTITIONS,
          (r) => reached(5)(r) && maxCountPerKey(r).has('ghost'),
          20_000,
          'read_committed',
        );
        await restarted.streams.close({ timeoutMs: 20_000 });
        assert.equal(
          maxCountPerKey(out).get('ghost'),
          1,
          'the store was wiped: a key only the aborted writes had is gone',
        );
        assert.ok(restarted.restores.restored > 0);
        // Committed changelog records only (the end offsets also count transaction markers).
        assert.ok(restarted.restores.restored <= changelogRecords);
        const counts = maxCountPerKey(out);
        counts.delete('ghost');
        assert.deepEqual(
          [...counts.values()],
          Array.from({ length: KEYS }, () => 5),
          'the aborted writes (1000) are gone: counts continue from the changelog',
        );
      } finally {
        rmSync(stateDir, { recursive: true, force: true });
        await backend.close();
      }
    });

    it('a task moving to a new stream thread of the same instance continues from its persistent store', {
      timeout: 90_000,
    }, async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, applicationId] = [uniqueName('words'), uniqueName('counts'), uniqueName('app')];
      const stateDir = mkdtempSync(join(tmpdir(), 'tributary-state-threads-'));
      const { streams } = persistentCountApp({ applicationId, input, output, stateDir }, backend);
      const countsReached = (perKey: number) => (r: Parameters<typeof maxCountPerKey>[0]) => {
        const counts = maxCountPerKey(r);
        return counts.size === KEYS && [...counts.values()].every((n) => n >= perKey);
      };
      try {
        await backend.admin.createTopics([
          { name: input, partitions: PARTITIONS, replicationFactor: 1 },
          { name: output, partitions: PARTITIONS, replicationFactor: 1 },
        ]);
        await streams.start();
        await produceStrings(backend, input, PARTITIONS, words(3));
        await readTopic(backend, output, PARTITIONS, countsReached(3));
        // A second thread: the rebalance gives it one of the first thread's tasks (held suspended until then).
        assert.ok((await streams.addStreamThread()) !== undefined);
        const deadline = Date.now() + 30_000;
        while (streams.metadataForLocalThreads().filter((th) => th.activeTasks.length > 0).length < 2) {
          if (Date.now() > deadline) throw new Error('the second thread got no task within 30 s');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await produceStrings(backend, input, PARTITIONS, words(2, 100));
        const out = await readTopic(backend, output, PARTITIONS, countsReached(5));
        assert.deepEqual(
          [...maxCountPerKey(out).values()],
          Array.from({ length: KEYS }, () => 5),
          'the moved task continued from its store: no key counted from zero or twice',
        );
        assert.equal(streams.state(), 'RUNNING');
      } finally {
        await streams.close({ timeoutMs: 20_000 });
        rmSync(stateDir, { recursive: true, force: true });
        await backend.close();
      }
    });

    it('a second instance with the same application.id and state.dir fails naming the directory; cleanUp() removes it', {
      timeout: 60_000,
    }, async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, applicationId] = [uniqueName('words'), uniqueName('counts'), uniqueName('app')];
      const stateDir = mkdtempSync(join(tmpdir(), 'tributary-state-lock-'));
      const options: PersistentCountOptions = { applicationId, input, output, stateDir };
      const first = persistentCountApp(options, backend);
      const second = persistentCountApp(options, backend);
      try {
        await backend.admin.createTopics([
          { name: input, partitions: PARTITIONS, replicationFactor: 1 },
          { name: output, partitions: PARTITIONS, replicationFactor: 1 },
        ]);
        await first.streams.start();
        assert.throws(() => first.streams.cleanUp(), /cleanUp\(\) needs a stopped client/);
        // Two partitions, two members: the second gets a task, whose persistent store needs the directory.
        const error = await second.streams.start().then(
          () => assert.fail('the second instance must not run on the same state directory'),
          (e: Error) => e,
        );
        const appDirectory = join(stateDir, applicationId);
        assert.match(error.message, /state directory ".*" is in use by another KafkaStreams instance in this process/);
        assert.ok(error.message.includes(appDirectory), error.message);
        assert.equal(second.streams.state(), 'ERROR');
        await Promise.all([first.streams.close({ timeoutMs: 20_000 }), second.streams.close({ timeoutMs: 20_000 })]);
        assert.ok(existsSync(appDirectory));
        first.streams.cleanUp();
        assert.ok(!existsSync(appDirectory), 'cleanUp() removed the application state directory');
      } finally {
        await Promise.allSettled([
          first.streams.close({ timeoutMs: 5_000 }),
          second.streams.close({ timeoutMs: 5_000 }),
        ]);
        rmSync(stateDir, { recursive: true, force: true });
        await backend.close();
      }
    });
  });
}
