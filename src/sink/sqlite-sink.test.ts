/**
 * SqliteSink on its own (no broker): upserts and deletes by key, skips input offsets it already applied (the
 * offsets are stored in the same transaction as the rows), and a failed batch leaves neither rows nor offsets.
 */
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import type { SinkRecord, SinkWriteContext } from './external-sink.ts';
import { SqliteSink } from './sqlite-sink.ts';

const CONTEXT: SinkWriteContext = { sinkName: 'test', applicationId: 'app', taskId: '0_0', attempt: 1 };

function record(key: string, value: number | null, offset: number, partition = 0): SinkRecord<string, number | null> {
  return { key, value, timestamp: 0, headers: [], topic: 'in', partition, offset };
}

function rows(db: DatabaseSync, table = 'counts'): Record<string, unknown>[] {
  return db
    .prepare(`SELECT * FROM ${table} ORDER BY 1`)
    .all()
    .map((row) => ({ ...row }));
}

describe('SqliteSink', () => {
  it('upserts the row of each key and deletes it on a null value', async () => {
    const db = new DatabaseSync(':memory:');
    const sink = new SqliteSink<string, number | null>({
      database: db,
      table: 'counts',
      keyColumn: 'word',
      columns: { n: (v) => v, doubled: (v) => v * 2 },
    });
    await sink.write([record('a', 1, 0), record('b', 1, 1), record('a', 2, 2)], CONTEXT);
    assert.deepEqual(rows(db), [
      { word: 'a', n: 2, doubled: 4 },
      { word: 'b', n: 1, doubled: 2 },
    ]);
    await sink.write([record('b', null, 3)], CONTEXT);
    assert.deepEqual(rows(db), [{ word: 'a', n: 2, doubled: 4 }]);
    assert.deepEqual(sink.appliedOffsets(), new Map([['in-0', 3]]));
  });

  it('skips records whose input offset it already applied, per partition, even with accumulating SQL', async () => {
    const db = new DatabaseSync(':memory:');
    const sink = new SqliteSink<string, number | null>({
      database: db,
      table: 'counts',
      columns: { total: (v) => v },
      onConflict: { total: '"total" + excluded."total"' },
    });
    await sink.write([record('a', 1, 0), record('a', 1, 1), record('b', 10, 0, 1)], CONTEXT);
    // A replay after a crash: offsets 0-1 of partition 0 and 0 of partition 1 again, then new ones.
    await sink.write([record('a', 1, 0), record('a', 1, 1), record('b', 10, 0, 1), record('a', 1, 2)], CONTEXT);
    await sink.write([record('b', 10, 1, 1)], CONTEXT);
    assert.deepEqual(rows(db), [
      { key: 'a', total: 3 },
      { key: 'b', total: 20 },
    ]);
    assert.deepEqual(
      sink.appliedOffsets(),
      new Map([
        ['in-0', 2],
        ['in-1', 1],
      ]),
    );
  });

  it('applies records without an input offset (from punctuators) every time', async () => {
    const db = new DatabaseSync(':memory:');
    const sink = new SqliteSink<string, number | null>({
      database: db,
      table: 'counts',
      columns: { total: (v) => v },
      onConflict: { total: '"total" + excluded."total"' },
    });
    const punctuated: SinkRecord<string, number> = {
      key: 'p',
      value: 1,
      timestamp: 0,
      headers: [],
      topic: undefined,
      partition: -1,
      offset: -1,
    };
    await sink.write([punctuated], CONTEXT);
    await sink.write([punctuated], CONTEXT);
    assert.deepEqual(rows(db), [{ key: 'p', total: 2 }]);
  });

  it('a batch that fails half-way leaves neither its rows nor its offsets', async () => {
    const db = new DatabaseSync(':memory:');
    const sink = new SqliteSink<string, number | null>({
      database: db,
      table: 'counts',
      columns: {
        n: (v) => {
          if (v < 0) throw new Error('negative');
          return v;
        },
      },
    });
    await sink.write([record('a', 1, 0)], CONTEXT);
    await assert.rejects(sink.write([record('b', 1, 1), record('c', -1, 2)], CONTEXT), /negative/);
    assert.deepEqual(rows(db), [{ key: 'a', n: 1 }]);
    assert.deepEqual(sink.appliedOffsets(), new Map([['in-0', 0]]));
    // The retry of the batch (fixed) applies it whole.
    await sink.write([record('b', 1, 1), record('c', 1, 2)], CONTEXT);
    assert.equal(rows(db).length, 3);
  });

  it('rejects a mapping of the key column and an empty column list by name', () => {
    assert.throws(
      () => new SqliteSink({ database: ':memory:', table: 't', keyColumn: 'id', columns: { id: () => 1 } }),
      /SqliteSink "t": column "id" is the key column/,
    );
    assert.throws(() => new SqliteSink({ database: ':memory:', table: 't', columns: {} }), /SqliteSink "t": columns/);
  });
});
