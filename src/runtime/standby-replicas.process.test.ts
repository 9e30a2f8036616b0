/**
 * Standby replicas across a crash on real Kafka (TRIBUTARY_TEST_KAFKA; skipped without it): instance A, a child
 * process counting into a persistent store, is killed with SIGKILL (no commit, no leave); instance B, in this
 * process, kept a standby of A's task. Once the group notices (session timeout), B becomes active for it and
 * restores only the tail its standby had not read, and no update is lost (at-least-once: a count may be
 * higher, never lower).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PlatformaticBackend } from '../kafka/platformatic/platformatic-backend.ts';
import type { StandbyUpdateListener } from './standby-update-listener.ts';
import { COUNT_STORE, type PersistentCountOptions, persistentCountApp } from './test-support/persistent-count-app.ts';
import { maxCountPerKey, produceStrings, readTopic, uniqueName, waitFor } from './test-support/runtime-harness.ts';

const APP = fileURLToPath(new URL('./test-support/persistent-count-app.ts', import.meta.url));
const PARTITIONS = 2;
/** Many keys: a store logs each key's latest value once per commit, so the changelog grows with the keys. */
const KEYS = 1_000;

function words(count: number, offset: number): { key: string; value: string }[] {
  return Array.from({ length: count }, (_, i) => ({ key: `w${(i + offset) % KEYS}`, value: `${i + offset}` }));
}

function atLeast(records: Parameters<typeof maxCountPerKey>[0], total: number): boolean {
  const counts = maxCountPerKey(records);
  for (let k = 0; k < KEYS; k++) {
    const expected = Math.floor(total / KEYS) + (k < total % KEYS ? 1 : 0);
    if ((counts.get(`w${k}`) ?? 0) < expected) return false;
  }
  return true;
}

describe('standby replicas across a crash on real Kafka', () => {
  it('after the active instance is killed, the standby holder restores only a short tail and loses no update', {
    timeout: 120_000,
  }, async (t) => {
    const address = process.env.TRIBUTARY_TEST_KAFKA;
    if (!address) return t.skip('no TRIBUTARY_TEST_KAFKA');
    const backend = new PlatformaticBackend({ bootstrapServers: [address] });
    const [input, output, applicationId] = [uniqueName('words'), uniqueName('counts'), uniqueName('standby-app')];
    const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'tributary-standby-crash-')));
    const options = (stateDir: string): PersistentCountOptions => ({
      applicationId,
      input,
      output,
      stateDir,
      bootstrapServers: address,
      numStandbyReplicas: 1,
    });
    let child: ChildProcess | undefined;
    let b: ReturnType<typeof persistentCountApp> | undefined;
    try {
      await backend.admin.createTopics([
        { name: input, partitions: PARTITIONS, replicationFactor: 1 },
        { name: output, partitions: PARTITIONS, replicationFactor: 1 },
      ]);
      child = spawn(process.execPath, [APP, JSON.stringify(options(dirs[0]))], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      await waitFor('instance A (child) to reach RUNNING', () => stdout.includes('RUNNING'), 30_000);

      b = persistentCountApp(options(dirs[1]), backend);
      let loaded = 0;
      let promoted = 0;
      const listener: StandbyUpdateListener = {
        onBatchLoaded: (_p, _s, _t, _e, size) => (loaded += size),
        onUpdateSuspended: (_p, _s, _o, _e, reason) => (promoted += reason === 'PROMOTED' ? 1 : 0),
      };
      b.streams.setStandbyUpdateListener(listener);
      await b.streams.start();
      const bTasks = () => {
        const [thread] = b!.streams.metadataForLocalThreads();
        return { active: thread.activeTasks.map((x) => x.taskId), standby: thread.standbyTasks };
      };
      await waitFor('B to hold one task and a standby of the other', () => {
        const { active, standby } = bTasks();
        return active.length === 1 && standby.length === 1 && standby[0].taskId !== active[0];
      });
      const aTask = bTasks().standby[0].taskId;

      const first = 4_000;
      await produceStrings(backend, input, PARTITIONS, words(first, 0));
      await readTopic(backend, output, PARTITIONS, (r) => atLeast(r, first), 30_000);
      await waitFor("B's standby to follow A's changelog", () => loaded > 0, 20_000);
      const changelog = { topic: `${applicationId}-${COUNT_STORE}-changelog`, partition: Number(aTask.split('_')[1]) };

      // Kill A while it counts more records.
      await produceStrings(backend, input, PARTITIONS, words(1_000, first));
      child.kill('SIGKILL');
      await once(child, 'exit');
      const [{ offset: end }] = await backend.admin.listOffsets([{ ...changelog, spec: 'latest' }]);
      const restoredBefore = b.restores.restored;
      await waitFor(
        "B to take A's task over (after the session timeout)",
        () => bTasks().active.length === PARTITIONS && b!.streams.state() === 'RUNNING',
        40_000,
      );
      assert.equal(promoted, 1, 'B promoted its standby');
      const restoredTail = b.restores.restored - restoredBefore;
      assert.ok(end >= 400, `A's changelog partition holds ${end} records`);
      assert.ok(restoredTail < end / 10, `B restored ${restoredTail} records; A's changelog partition holds ${end}`);
      t.diagnostic(
        `A's changelog partition ${end} records; B's standby loaded ${loaded}; restored after the crash ${restoredTail}`,
      );

      await produceStrings(backend, input, PARTITIONS, words(1_000, first + 1_000));
      const out = await readTopic(backend, output, PARTITIONS, (r) => atLeast(r, first + 2_000), 60_000);
      assert.ok(atLeast(out, first + 2_000), 'no count is lower than its records');
    } finally {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await b?.streams.close({ timeoutMs: 20_000 });
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      await backend.close();
    }
  });
});
