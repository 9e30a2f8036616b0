/**
 * examples/db-sink/main.ts runs as a user runs it (a child process on the embedded broker): it must exit 0 and
 * leave a SQLite table whose rows are exactly the word counts of its lines, counted here independently.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

// Copied from main.ts on purpose: the test counts the words itself, with a splitter of its own.
const LINES = [
  'All streams flow into the sea',
  'yet the sea is not full',
  'Kafka streams, Kafka tables, Kafka topics',
  'unto the place from whence the streams come, thither they return again',
];

test('the db-sink example leaves a SQLite table equal to the word counts of its lines', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-db-sink-'));
  const file = join(dir, 'counts.db');
  try {
    const { KAFKA: _ignored, ...env } = process.env;
    const run = spawnSync(process.execPath, [MAIN, file], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, `exited with ${run.status} (signal ${run.signal}):\n${run.stderr}`);
    const expected = new Map<string, number>();
    for (const line of LINES)
      for (const word of line.toLowerCase().match(/[a-z0-9_]+/g) ?? [])
        expected.set(word, (expected.get(word) ?? 0) + 1);
    const db = new DatabaseSync(file, { readOnly: true });
    const rows = db.prepare('SELECT word, count FROM word_counts').all() as { word: string; count: number }[];
    db.close();
    assert.deepEqual(new Map(rows.map((r) => [r.word, Number(r.count)])), expected);
    assert.match(run.stdout, /^ {2}the {8}4$/m, `printed table:\n${run.stdout}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
