/**
 * A crash with persistent stores on real Kafka (TRIBUTARY_TEST_KAFKA): a child process counting into an LMDB
 * store is killed with SIGKILL (no commit, no checkpoint for its last records, its lock file left behind).
 * The restarted instance takes over the stale lock, restores from the last checkpoint, and no update is lost
 * (at-least-once: a count may be higher, never lower).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ConsumedRecord } from '../kafka/backend.ts';
import { PlatformaticBackend } from '../kafka/platformatic/platformatic-backend.ts';
import { readOffsetCheckpoint } from './offset-checkpoint.ts';
import { COUNT_STORE, type PersistentCountOptions, persistentCountApp } from './test-support/persistent-count-app.ts';
import { maxCountPerKey, produceStrings, readTopic, uniqueName, waitFor } from './test-support/runtime-harness.ts';

const APP = fileURLToPath(new URL('./test-support/persistent-count-app.ts', import.meta.url));
const PARTITIONS = 2;
const KEYS = 20;

function words(perKey: number, from: number): { key: string; value: string }[] {
  return Array.from({ length: KEYS * perKey }, (_, i) => ({ key: `w${i % KEYS}`, value: `${from + i}` }));
}

/** The last count written per key (each key lives in one partition, read in offset order). */
function lastCountPerKey(records: readonly ConsumedRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records)
    if (r.key !== null && r.value !== null) counts.set(r.key.toString(), Number(r.value.readBigInt64BE()));
  return counts;
}

describe('persistent stores across a crash on real Kafka', () => {
  it('an instance killed with SIGKILL restarts from its checkpoint and loses no update', {
    timeout: 120_000,
  }, async (t) => {
    const address = process.env.TRIBUTARY_TEST_KAFKA;
    if (!address) return t.skip('no TRIBUTARY_TEST_KAFKA');
    const backend = new PlatformaticBackend({ bootstrapServers: [address] });
    const [input, output, applicationId] = [uniqueName('words'), uniqueName('counts'), uniqueName('app')];
    const stateDir = mkdtempSync(join(tmpdir(), 'tributary-state-crash-'));
    const options: PersistentCountOptions = { applicationId, input, output, stateDir, bootstrapServers: address };
    let child: ChildProcess | undefined;
    let restarted: ReturnType<typeof persistentCountApp> | undefined;
    try {
      await backend.admin.createTopics([
        { name: input, partitions: PARTITIONS, replicationFactor: 1 },
        { name: output, partitions: PARTITIONS, replicationFactor: 1 },
      ]);
      child = spawn(process.execPath, [APP, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      await waitFor('the child instance to reach RUNNING', () => stdout.includes('RUNNING'), 30_000);

      await produceStrings(backend, input, PARTITIONS, words(5, 0));
      await readTopic(
        backend,
        output,
        PARTITIONS,
        (r) => [...maxCountPerKey(r).values()].filter((n) => n >= 5).length === KEYS,
      );
      const checkpointFiles = Array.from({ length: PARTITIONS }, (_, p) =>
        join(stateDir, applicationId, `0_${p}`, '.checkpoint'),
      );
      await waitFor('checkpoints after a commit', () => checkpointFiles.every((f) => existsSync(f)), 10_000);

      // Kill it while it counts the next records: their offsets and checkpoint are not written.
      await produceStrings(backend, input, PARTITIONS, words(3, 1000));
      await readTopic(backend, output, PARTITIONS, (r) => [...maxCountPerKey(r).values()].some((n) => n >= 6));
      child.kill('SIGKILL');
      await once(child, 'exit');
      assert.ok(existsSync(join(stateDir, applicationId, '.lock')), 'the dead process left its lock file');
      const checkpointed = checkpointFiles.map(
        (f) =>
          readOffsetCheckpoint(f).get(`${applicationId}-${COUNT_STORE}-changelog-${f.includes('0_0') ? 0 : 1}`)?.offset,
      );

      restarted = persistentCountApp(options, backend);
      await restarted.streams.start();
      await produceStrings(backend, input, PARTITIONS, words(2, 2000));
      const out = await readTopic(
        backend,
        output,
        PARTITIONS,
        (r) => [...lastCountPerKey(r).values()].filter((n) => n >= 10).length === KEYS,
        60_000,
      );
      const last = lastCountPerKey(out);
      assert.equal(last.size, KEYS);
      for (const [key, count] of last)
        assert.ok(count >= 10, `${key}: ${count} counted, 10 records (an update was lost)`);
      // It restored from the checkpoints (not from offset 0) wherever the changelog had grown past them.
      for (const start of restarted.restores.started) {
        const checkpoint = checkpointed[start.partition];
        assert.ok(checkpoint !== undefined);
        assert.equal(
          start.startingOffset,
          checkpoint + 1,
          `changelog partition ${start.partition} restored from its checkpoint`,
        );
      }
    } finally {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await restarted?.streams.close({ timeoutMs: 20_000 });
      rmSync(stateDir, { recursive: true, force: true });
      await backend.close();
    }
  });
});
