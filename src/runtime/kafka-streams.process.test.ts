/**
 * KafkaStreams in separate processes on real Kafka (TRIBUTARY_TEST_KAFKA): an instance killed with SIGKILL
 * (no commit, no leave) is replaced by the other after the session timeout, with nothing lost; an instance sent
 * SIGTERM commits what it processed, leaves the group and exits 0.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PlatformaticBackend } from '../kafka/platformatic/platformatic-backend.ts';
import { KafkaStreams } from './kafka-streams.ts';
import { countingTopology } from './test-support/fixture-topologies.ts';
import {
  countsReach,
  maxCountPerKey,
  produceStrings,
  readTopic,
  uniqueName,
  waitFor,
} from './test-support/runtime-harness.ts';

const INSTANCE = fileURLToPath(new URL('./test-support/counting-instance.ts', import.meta.url));
const SESSION_TIMEOUT_MS = 6_000;

function startInstance(options: object): { child: ChildProcess; running: Promise<void> } {
  const child = spawn(process.execPath, [INSTANCE, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const running = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child instance did not reach RUNNING within 30 s')), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('RUNNING')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child instance exited with ${code} before RUNNING`));
    });
  });
  running.catch(() => {});
  return { child, running };
}

function records(count: number, offset: number, keys: number) {
  return Array.from({ length: count }, (_, i) => ({ key: `k${(i + offset) % keys}`, value: `v${i + offset}` }));
}

describe('KafkaStreams instances in separate processes on real Kafka', () => {
  it('an instance killed mid-stream (SIGKILL) is taken over by the other; no count is lower', {
    timeout: 90_000,
  }, async (t) => {
    const address = process.env.TRIBUTARY_TEST_KAFKA;
    if (!address) return t.skip('no TRIBUTARY_TEST_KAFKA');
    const backend = new PlatformaticBackend({ bootstrapServers: [address] });
    const [input, output, applicationId] = [uniqueName('in'), uniqueName('out'), uniqueName('app')];
    let local: KafkaStreams | undefined;
    let child: ChildProcess | undefined;
    try {
      await backend.admin.createTopics([
        { name: input, partitions: 4, replicationFactor: 1 },
        { name: output, partitions: 4, replicationFactor: 1 },
      ]);
      const remote = startInstance({
        bootstrap: address,
        applicationId,
        input,
        output,
        sessionTimeoutMs: SESSION_TIMEOUT_MS,
      });
      child = remote.child;
      await remote.running;
      local = new KafkaStreams(
        countingTopology({ applicationId, sourceTopics: [input], sinkTopic: output }),
        {
          'application.id': applicationId,
          'commit.interval.ms': 200,
          'poll.ms': 50,
          'session.timeout.ms': SESSION_TIMEOUT_MS,
          'heartbeat.interval.ms': 200,
        },
        { backend },
      );
      await local.start();
      const localTasks = () =>
        local!
          .metadataForLocalThreads()
          .flatMap((th) => th.activeTasks)
          .filter((task) => task.phase === 'running').length;
      await waitFor('the tasks to be split', () => localTasks() === 2 && local!.state() === 'RUNNING', 30_000);

      await produceStrings(backend, input, 4, records(800, 0, 16));
      await readTopic(backend, output, 4, (r) => r.length >= 800);
      await produceStrings(backend, input, 4, records(800, 800, 16));
      child.kill('SIGKILL');
      await once(child, 'exit');
      await produceStrings(backend, input, 4, records(400, 1600, 16));
      await waitFor(
        'the survivor to own all 4 tasks after the session timeout',
        () => localTasks() === 4 && local!.state() === 'RUNNING',
        45_000,
      );
      const expected = new Map<string, number>();
      for (const r of records(2000, 0, 16)) expected.set(r.key, (expected.get(r.key) ?? 0) + 1);
      const out = await readTopic(backend, output, 4, (r) => countsReach(r, expected), 30_000);
      const counts = maxCountPerKey(out);
      for (const [key, n] of expected) assert.ok((counts.get(key) ?? 0) >= n, `${key}: ${counts.get(key)} < ${n}`);
    } finally {
      child?.kill('SIGKILL');
      await local?.close({ timeoutMs: 10_000 });
      await backend.close();
    }
  });

  it('SIGTERM closes the instance gracefully: final commit, exit code 0', { timeout: 60_000 }, async (t) => {
    const address = process.env.TRIBUTARY_TEST_KAFKA;
    if (!address) return t.skip('no TRIBUTARY_TEST_KAFKA');
    const backend = new PlatformaticBackend({ bootstrapServers: [address] });
    const [input, output, applicationId] = [uniqueName('in'), uniqueName('out'), uniqueName('app')];
    let instance: ChildProcess | undefined;
    try {
      await backend.admin.createTopics([
        { name: input, partitions: 2, replicationFactor: 1 },
        { name: output, partitions: 2, replicationFactor: 1 },
      ]);
      // A commit interval far beyond the test: only the final commit on SIGTERM can commit the offsets.
      const { child, running } = startInstance({
        bootstrap: address,
        applicationId,
        input,
        output,
        sessionTimeoutMs: SESSION_TIMEOUT_MS,
        commitIntervalMs: 600_000,
      });
      instance = child;
      await running;
      await produceStrings(backend, input, 2, records(300, 0, 10));
      await readTopic(backend, output, 2, (r) => r.length >= 300);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0);
      const committed = await backend.admin.fetchCommittedOffsets(applicationId);
      assert.equal(
        committed.filter((c) => c.topic === input).reduce((n, c) => n + c.offset, 0),
        300,
      );
      const [group] = await backend.admin.describeGroups([applicationId]);
      assert.equal(group.members.length, 0, 'the instance left the group');
    } finally {
      if (instance?.exitCode === null) instance.kill('SIGKILL');
      await backend.close();
    }
  });
});
