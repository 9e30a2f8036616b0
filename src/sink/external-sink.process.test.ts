/**
 * toSink(SqliteSink) across a real crash on real Kafka (TRIBUTARY_TEST_KAFKA): a child process counting words
 * into a SQLite file is killed with SIGKILL right after a batch is in the database and before its offsets are
 * committed (its sink waits in flush() to hold that window open). A new instance replays from the last commit;
 * the table must end exactly equal to the word counts of the input: no row missing, no word counted twice.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PlatformaticBackend } from '../kafka/platformatic/platformatic-backend.ts';
import { produceStrings, uniqueName, waitFor } from '../runtime/test-support/runtime-harness.ts';
import {
  ObservedSqliteSink,
  openWordCountSink,
  TABLE,
  type WordCountSinkOptions,
  wordCountSinkApp,
} from './test-support/word-count-sink-app.ts';

const APP = fileURLToPath(new URL('./test-support/word-count-sink-app.ts', import.meta.url));
const PARTITIONS = 2;

function lines(count: number, from = 0): { key: string; value: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return { key: `line-${n}`, value: `w${n % 13} w${n % 5} common` };
  });
}

function expectedCounts(input: readonly { value: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { value } of input) for (const w of value.split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

function tableOf(file: string): Map<string, number> {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    const rows = db.prepare(`SELECT word, count FROM ${TABLE}`).all() as { word: string; count: number }[];
    return new Map(rows.map((r) => [r.word, Number(r.count)]));
  } catch {
    return new Map();
  } finally {
    db?.close();
  }
}

function sameCounts(actual: ReadonlyMap<string, number>, expected: ReadonlyMap<string, number>): boolean {
  return actual.size === expected.size && [...expected].every(([w, n]) => actual.get(w) === n);
}

describe('toSink(SqliteSink) across a SIGKILL on real Kafka', () => {
  for (const mode of ['accumulate', 'count'] as const) {
    const label =
      mode === 'accumulate' ? 'SQL accumulation under at_least_once' : 'a KTable count under exactly_once_v2';
    it(`the table ends exactly equal to the word counts (${label})`, { timeout: 120_000 }, async (t) => {
      const address = process.env.TRIBUTARY_TEST_KAFKA;
      if (!address) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const backend = new PlatformaticBackend({ bootstrapServers: [address] });
      const dir = mkdtempSync(join(tmpdir(), 'tributary-sink-kill-'));
      const options: WordCountSinkOptions = {
        applicationId: uniqueName('sink-kill'),
        input: uniqueName('lines'),
        databaseFile: join(dir, 'counts.db'),
        mode,
        processingGuarantee: mode === 'count' ? 'exactly_once_v2' : 'at_least_once',
        bootstrapServers: address,
        flushDelayMs: 400,
        sink: { batchSize: 50 },
      };
      let child: ChildProcess | undefined;
      let restarted: ReturnType<typeof wordCountSinkApp> | undefined;
      let second: ObservedSqliteSink | undefined;
      try {
        await backend.admin.createTopics([{ name: options.input, partitions: PARTITIONS, replicationFactor: 1 }]);
        child = spawn(process.execPath, [APP, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let stdout = '';
        let written = 0;
        let killedAfter = -1;
        child.stdout!.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          for (const match of chunk.toString().matchAll(/WROTE (\d+)/g)) written += Number(match[1]);
          // Right after a batch reached the database, while its flush (and so the commit) is still pending.
          if (killedAfter < 0 && written >= 200) {
            killedAfter = written;
            child!.kill('SIGKILL');
          }
        });
        await waitFor('the child instance to reach RUNNING', () => stdout.includes('RUNNING'), 30_000);
        const first = lines(400);
        await produceStrings(backend, options.input, PARTITIONS, first);
        await waitFor('the child to write and be killed', () => killedAfter >= 0, 60_000);
        if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
        const atKill = tableOf(options.databaseFile);
        assert.ok(atKill.size > 0, 'rows were in the database when the child was killed');

        const more = lines(200, 400);
        await produceStrings(backend, options.input, PARTITIONS, more);
        second = new ObservedSqliteSink(openWordCountSink(options));
        restarted = wordCountSinkApp(options, second, backend);
        await restarted.start();
        const expected = expectedCounts([...first, ...more]);
        await waitFor(
          'the table to equal the counts',
          () => sameCounts(tableOf(options.databaseFile), expected),
          60_000,
        );
        assert.ok(second.replayed > 0, `the restarted instance replayed records already applied (${second.replayed})`);
        await sleep(500); // a late wrong write would show now
        assert.deepEqual(tableOf(options.databaseFile), expected);
      } finally {
        if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await restarted?.close({ timeoutMs: 20_000 });
        second?.inner.close();
        await backend.admin.deleteTopics([options.input]).catch(() => {});
        await backend.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
