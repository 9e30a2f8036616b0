/**
 * An ExternalSink writing into a SQLite table with Node's built-in `node:sqlite` (no dependency): each record
 * upserts the row of its key (a null value deletes it).
 *
 * Exactly-once effect, like Kafka Connect's exactly-once sinks: in the same SQLite transaction as the rows it
 * stores, per input topic-partition, the last input offset it applied (table `tributary_sink_offsets`, one row
 * per sink name, topic and partition). After a crash Tributary replays the input since its last commit; the
 * records of offsets already applied are skipped, so a row is never set back to an older value and nothing is
 * applied twice (which matters for SQL that accumulates). Records without an input offset (from punctuators)
 * are always applied. The stream itself must be deterministic on replay for the rows to equal a crash-free
 * run: under exactly_once_v2 its state is; under at_least_once an aggregation may count a replayed record
 * twice in its store, as Kafka Streams does.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { ExternalSink, SinkRecord, SinkWriteContext } from './external-sink.ts';

export interface SqliteSinkOptions<K, V> {
  /** An open database, or the file to open (created if missing; `:memory:` for tests). */
  readonly database: DatabaseSync | string;
  readonly table: string;
  /** The primary-key column (default "key"). */
  readonly keyColumn?: string;
  /** The key's column value (default: strings, numbers, bigints and Buffers as they are, else JSON). */
  readonly key?: (key: K) => SQLInputValue;
  /** The other columns and how each is computed from a record: `{ count: (value) => value }`. */
  readonly columns: Readonly<Record<string, (value: NonNullable<V>, key: K) => SQLInputValue>>;
  /**
   * SQL per column for a key that has a row already (default `excluded.<column>`: the new value), e.g.
   * `{ total: '"total" + excluded."total"' }` to accumulate; safe because replayed records are skipped.
   */
  readonly onConflict?: Readonly<Record<string, string>>;
  /** Runs `CREATE TABLE IF NOT EXISTS` for the table (untyped columns, key primary) (default true). */
  readonly createTable?: boolean;
  /** Names this sink in the offsets table (default: the table name). Two sinks on one table need two names. */
  readonly name?: string;
}

const OFFSETS_TABLE = 'tributary_sink_offsets';

export class SqliteSink<K, V> implements ExternalSink<K, V> {
  readonly name: string;
  readonly database: DatabaseSync;
  readonly #ownsDatabase: boolean;
  readonly #keyOf: (key: K) => SQLInputValue;
  readonly #columns: readonly [string, (value: NonNullable<V>, key: K) => SQLInputValue][];
  readonly #upsert: StatementSync;
  readonly #delete: StatementSync;
  readonly #readOffset: StatementSync;
  readonly #writeOffset: StatementSync;

  constructor(options: SqliteSinkOptions<K, V>) {
    this.name = options.name ?? options.table;
    const columns = Object.entries(options.columns);
    const keyColumn = options.keyColumn ?? 'key';
    if (columns.length === 0) throw new TypeError(`SqliteSink "${this.name}": columns must name at least one column`);
    for (const [column] of columns) {
      if (column === keyColumn)
        throw new TypeError(`SqliteSink "${this.name}": column "${column}" is the key column; map the key with key`);
    }
    this.#ownsDatabase = typeof options.database === 'string';
    this.database = typeof options.database === 'string' ? new DatabaseSync(options.database) : options.database;
    this.#keyOf = options.key ?? defaultKey;
    this.#columns = columns;
    const table = quote(options.table);
    const names = columns.map(([column]) => quote(column));
    // Another instance (or process) may write the same file: wait for its lock instead of failing at once.
    this.database.exec('PRAGMA busy_timeout = 5000');
    if (options.createTable !== false)
      this.database.exec(`CREATE TABLE IF NOT EXISTS ${table} (${quote(keyColumn)} PRIMARY KEY, ${names.join(', ')})`);
    this.database.exec(
      `CREATE TABLE IF NOT EXISTS ${OFFSETS_TABLE} (sink TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, ` +
        '"offset" INTEGER NOT NULL, PRIMARY KEY (sink, topic, partition))',
    );
    this.#upsert = this.database.prepare(
      `INSERT INTO ${table} (${quote(keyColumn)}, ${names.join(', ')}) VALUES (?${', ?'.repeat(names.length)}) ` +
        `ON CONFLICT (${quote(keyColumn)}) DO UPDATE SET ${columns.map(([c]) => `${quote(c)} = ${options.onConflict?.[c] ?? `excluded.${quote(c)}`}`).join(', ')}`,
    );
    this.#delete = this.database.prepare(`DELETE FROM ${table} WHERE ${quote(keyColumn)} = ?`);
    this.#readOffset = this.database.prepare(
      `SELECT "offset" FROM ${OFFSETS_TABLE} WHERE sink = ? AND topic = ? AND partition = ?`,
    );
    this.#writeOffset = this.database.prepare(
      `INSERT INTO ${OFFSETS_TABLE} (sink, topic, partition, "offset") VALUES (?, ?, ?, ?) ` +
        'ON CONFLICT (sink, topic, partition) DO UPDATE SET "offset" = excluded."offset"',
    );
  }

  /** Applies the batch and the new offsets in one transaction (synchronous inside: node:sqlite is). */
  async write(records: readonly SinkRecord<K, V>[], _context: SinkWriteContext): Promise<void> {
    // Per input partition: the offset stored before this batch (records up to it are applied) and the newest now.
    const positions = new Map<string, { topic: string; partition: number; stored: number; latest: number }>();
    this.database.exec('BEGIN IMMEDIATE');
    try {
      for (const record of records) {
        if (record.topic !== undefined && record.offset >= 0) {
          const id = `${record.topic}\u0000${record.partition}`;
          let position = positions.get(id);
          if (position === undefined) {
            const row = this.#readOffset.get(this.name, record.topic, record.partition) as
              | { offset: number }
              | undefined;
            const stored = row === undefined ? -1 : Number(row.offset);
            position = { topic: record.topic, partition: record.partition, stored, latest: stored };
            positions.set(id, position);
          }
          // Batches never split the outputs of one input record, so an offset stored means all of them applied.
          if (record.offset <= position.stored) continue;
          if (record.offset > position.latest) position.latest = record.offset;
        }
        const key = this.#keyOf(record.key);
        if (record.value === null || record.value === undefined) {
          this.#delete.run(key);
        } else {
          const value = record.value as NonNullable<V>;
          this.#upsert.run(key, ...this.#columns.map(([, column]) => column(value, record.key)));
        }
      }
      for (const p of positions.values())
        if (p.latest > p.stored) this.#writeOffset.run(this.name, p.topic, p.partition, p.latest);
      this.database.exec('COMMIT');
    } catch (error) {
      this.database.exec('ROLLBACK');
      throw error;
    }
  }

  /** The last input offset applied per `topic-partition` (what a restart will skip up to). */
  appliedOffsets(): Map<string, number> {
    const rows = this.database
      .prepare(`SELECT topic, partition, "offset" FROM ${OFFSETS_TABLE} WHERE sink = ?`)
      .all(this.name) as { topic: string; partition: number; offset: number }[];
    return new Map(rows.map((r) => [`${r.topic}-${r.partition}`, Number(r.offset)]));
  }

  /** Closes the database if the sink opened it (call after KafkaStreams#close). */
  close(): void {
    if (this.#ownsDatabase && this.database.isOpen) this.database.close();
  }
}

function defaultKey(key: unknown): SQLInputValue {
  if (key === null || typeof key === 'string' || typeof key === 'number' || typeof key === 'bigint') return key;
  if (key instanceof Uint8Array) return key;
  return JSON.stringify(key);
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
