/**
 * A windowed count under `default.dsl.store: 'rocksDB'` (its window store on LMDB under state.dir) on the
 * embedded broker and on real Kafka (TRIBUTARY_TEST_KAFKA; skipped when absent): a restarted instance restores
 * only the changelog written after its checkpoint, as the StateRestoreListener counts it, and counts on exactly.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KafkaBackend } from '../kafka/backend.ts';
import { readOffsetCheckpoint } from './offset-checkpoint.ts';
import {
  persistentWindowCountApp,
  WINDOW_COUNT_STORE as STORE,
  COUNT_WINDOW_MS as WINDOW,
} from './test-support/persistent-window-count-app.ts';
import { maxCountPerKey, produceStrings, readTopic, uniqueName } from './test-support/runtime-harness.ts';
import { testBackends } from './test-support/test-backends.ts';

const PARTITIONS = 2;
const WORDS = 10;
// Two windows, both within retention (size + grace) for the whole test.
const BASE = Math.floor(Date.now() / WINDOW) * WINDOW - 2 * WINDOW;

/** perWindow records of every word in each of the two windows. */
function clicks(perWindow: number, from = 0): { key: string; value: string; timestamp: number }[] {
  return Array.from({ length: WORDS * 2 * perWindow }, (_, i) => ({
    key: `w${i % WORDS}`,
    value: `${from + i}`,
    timestamp: BASE + (Math.floor(i / WORDS) % 2) * WINDOW + (i % 1000),
  }));
}

async function changelogEnd(backend: KafkaBackend, topic: string): Promise<number> {
  const listed = await backend.admin.listOffsets(
    Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, spec: 'latest' as const })),
  );
  return listed.reduce((sum, l) => sum + l.offset, 0);
}

for (const target of testBackends) {
  describe(`persistent window store on ${target.label}`, () => {
    it('a windowed count (default.dsl.store rocksDB) restarted on its state.dir restores only the changelog tail and counts on', {
      timeout: 150_000,
    }, async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, applicationId] = [uniqueName('clicks'), uniqueName('wcounts'), uniqueName('wapp')];
      const changelog = `${applicationId}-${STORE}-changelog`;
      const dirA = mkdtempSync(join(tmpdir(), 'tributary-wstate-a-'));
      const dirB = mkdtempSync(join(tmpdir(), 'tributary-wstate-b-'));
      const run = async (stateDir: string, produce: ReturnType<typeof clicks>, perWindow: number) => {
        const { streams, restores } = persistentWindowCountApp({ applicationId, input, output, stateDir }, backend);
        try {
          await streams.start();
          await produceStrings(backend, input, PARTITIONS, produce);
          const out = await readTopic(
            backend,
            output,
            PARTITIONS,
            (r) => {
              const counts = maxCountPerKey(r);
              return counts.size === 2 * WORDS && [...counts.values()].every((n) => n >= perWindow);
            },
            40_000,
          );
          return { restored: restores.restored, counts: maxCountPerKey(out) };
        } finally {
          await streams.close({ timeoutMs: 20_000 });
        }
      };
      try {
        await backend.admin.createTopics([
          { name: input, partitions: PARTITIONS, replicationFactor: 1 },
          { name: output, partitions: PARTITIONS, replicationFactor: 1 },
        ]);
        const first = await run(dirA, clicks(5), 5);
        assert.equal(first.restored, 0);
        const endAfterA = await changelogEnd(backend, changelog);
        assert.ok(endAfterA >= 2 * WORDS, `changelog holds the windows (${endAfterA})`);
        let checkpointed = 0;
        for (let p = 0; p < PARTITIONS; p++) {
          const entry = readOffsetCheckpoint(join(dirA, applicationId, `0_${p}`, '.checkpoint')).get(
            `${changelog}-${p}`,
          );
          assert.ok(entry !== undefined, `task 0_${p} checkpointed its window store's changelog`);
          checkpointed += entry.offset + 1;
        }
        assert.equal(checkpointed, endAfterA);
        assert.ok(
          existsSync(join(dirA, applicationId, '0_0', STORE, 'data.mdb')),
          'the window store is an LMDB environment',
        );

        // Another instance (own state.dir) restores the whole changelog and counts 3 more per word and window.
        const second = await run(dirB, clicks(3, 1000), 8);
        assert.equal(second.restored, endAfterA, 'an empty state directory restores the whole changelog');
        const endAfterB = await changelogEnd(backend, changelog);

        // A again: its LMDB window store still holds its windows; only B's part of the changelog is restored.
        const third = await run(dirA, clicks(2, 2000), 10);
        assert.equal(third.restored, endAfterB - endAfterA, 'only the changelog tail after the checkpoint');
        assert.ok(third.restored > 0 && third.restored < endAfterB);
        assert.deepEqual(
          [...third.counts.values()],
          Array.from({ length: 2 * WORDS }, () => 10),
          'every word counted exactly 10 in each window',
        );
      } finally {
        rmSync(dirA, { recursive: true, force: true });
        rmSync(dirB, { recursive: true, force: true });
        await backend.close();
      }
    });
  });
}
