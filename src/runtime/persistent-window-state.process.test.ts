/**
 * A crash with a persistent window store on real Kafka (TRIBUTARY_TEST_KAFKA): a child process running a
 * windowed count under exactly_once_v2 (default.dsl.store rocksDB) is killed with SIGKILL mid-stream. Its LMDB
 * window store has no checkpoint (and may hold writes of a transaction that is then aborted), so the restarted
 * instance wipes it and restores the committed changelog: every word ends with exactly its count in each window.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ConsumedRecord } from '../kafka/backend.ts';
import { PlatformaticBackend } from '../kafka/platformatic/platformatic-backend.ts';
import {
  COUNT_WINDOW_MS,
  type PersistentWindowCountOptions,
  persistentWindowCountApp,
} from './test-support/persistent-window-count-app.ts';
import { maxCountPerKey, produceStrings, readTopic, uniqueName, waitFor } from './test-support/runtime-harness.ts';

const APP = fileURLToPath(new URL('./test-support/persistent-window-count-app.ts', import.meta.url));
const PARTITIONS = 2;
const WORDS = 10;
const BASE = Math.floor(Date.now() / COUNT_WINDOW_MS) * COUNT_WINDOW_MS - 2 * COUNT_WINDOW_MS;

function clicks(perWindow: number, from: number): { key: string; value: string; timestamp: number }[] {
  return Array.from({ length: WORDS * 2 * perWindow }, (_, i) => ({
    key: `w${i % WORDS}`,
    value: `${from + i}`,
    timestamp: BASE + (Math.floor(i / WORDS) % 2) * COUNT_WINDOW_MS + (i % 1000),
  }));
}

function lastCountPerKey(records: readonly ConsumedRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records)
    if (r.key !== null && r.value !== null) counts.set(r.key.toString(), Number(r.value.readBigInt64BE()));
  return counts;
}

describe('persistent window store across a crash on real Kafka', () => {
  it('exactly_once_v2: an instance killed with SIGKILL restarts (store wiped, changelog restored) and every count is exact', {
    timeout: 150_000,
  }, async (t) => {
    const address = process.env.TRIBUTARY_TEST_KAFKA;
    if (!address) return t.skip('no TRIBUTARY_TEST_KAFKA');
    const backend = new PlatformaticBackend({ bootstrapServers: [address] });
    const [input, output, applicationId] = [uniqueName('clicks'), uniqueName('wcounts'), uniqueName('wapp')];
    const stateDir = mkdtempSync(join(tmpdir(), 'tributary-wstate-crash-'));
    const options: PersistentWindowCountOptions = {
      applicationId,
      input,
      output,
      stateDir,
      bootstrapServers: address,
      processingGuarantee: 'exactly_once_v2',
    };
    let child: ChildProcess | undefined;
    let restarted: ReturnType<typeof persistentWindowCountApp> | undefined;
    try {
      await backend.admin.createTopics([
        { name: input, partitions: PARTITIONS, replicationFactor: 1 },
        { name: output, partitions: PARTITIONS, replicationFactor: 1 },
      ]);
      child = spawn(process.execPath, [APP, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      await waitFor('the child instance to reach RUNNING', () => stdout.includes('RUNNING'), 30_000);

      await produceStrings(backend, input, PARTITIONS, clicks(5, 0));
      const allAt = (n: number) => (r: readonly ConsumedRecord[]) => {
        const counts = maxCountPerKey(r);
        return counts.size === 2 * WORDS && [...counts.values()].every((c) => c >= n);
      };
      await readTopic(backend, output, PARTITIONS, allAt(5), 30_000, 'read_committed');
      // Killed while it counts the next records: a transaction is open (its store writes are not committed).
      await produceStrings(backend, input, PARTITIONS, clicks(3, 1000));
      await readTopic(backend, output, PARTITIONS, (r) => [...maxCountPerKey(r).values()].some((n) => n >= 6));
      child.kill('SIGKILL');
      await once(child, 'exit');

      restarted = persistentWindowCountApp(options, backend);
      await restarted.streams.start();
      await produceStrings(backend, input, PARTITIONS, clicks(2, 2000));
      const out = await readTopic(
        backend,
        output,
        PARTITIONS,
        (r) => {
          const last = lastCountPerKey(r);
          return last.size === 2 * WORDS && [...last.values()].every((n) => n >= 10);
        },
        60_000,
        'read_committed',
      );
      const last = lastCountPerKey(out);
      assert.deepEqual(
        [...last.values()],
        Array.from({ length: 2 * WORDS }, () => 10),
        'every word counted exactly 10 in each window (none lost, none twice)',
      );
      assert.ok(restarted.restores.restored > 0, 'the wiped window store was restored from its changelog');
    } finally {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await restarted?.streams.close({ timeoutMs: 20_000 });
      rmSync(stateDir, { recursive: true, force: true });
      await backend.close();
    }
  });
});
