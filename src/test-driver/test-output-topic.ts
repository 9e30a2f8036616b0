/**
 * Reads what a topology wrote to a topic of a TopologyTestDriver (Java's `TestOutputTopic`), in the order it
 * was produced (across partitions). Reading consumes: each record is returned once.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import type { KeyValue } from '../state/key-value-store.ts';
import type { OutputRecord } from './test-record.ts';

/** A record as written by the topology (bytes), with where it landed. */
export interface WrittenRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: readonly import('../kafka/backend.ts').RecordHeader[];
  readonly partition: number;
  readonly offset: number;
}

export interface OutputTopicHost {
  /** The records written to `topic` so far, in production order (the array grows). */
  written(topic: string): readonly WrittenRecord[];
}

export class TestOutputTopic<K, V> {
  readonly topic: string;
  private readonly host: OutputTopicHost;
  private readonly keySerde: SerdeLike<K>;
  private readonly valueSerde: SerdeLike<V>;
  private position = 0;

  /** @internal made by TopologyTestDriver#createOutputTopic */
  constructor(host: OutputTopicHost, topic: string, keySerde: SerdeLike<K>, valueSerde: SerdeLike<V>) {
    this.host = host;
    this.topic = topic;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
  }

  /** Records not read yet. */
  getQueueSize(): number {
    return this.host.written(this.topic).length - this.position;
  }

  isEmpty(): boolean {
    return this.getQueueSize() === 0;
  }

  readRecord(): OutputRecord<K, V> {
    const written = this.host.written(this.topic);
    if (this.position >= written.length) {
      throw new Error(`no more records in output topic "${this.topic}" (${written.length} read in all)`);
    }
    const record = written[this.position++];
    return {
      key: this.keySerde.deserializer(this.topic, record.key, record.headers),
      value: this.valueSerde.deserializer(this.topic, record.value, record.headers),
      timestamp: record.timestamp,
      headers: record.headers,
      partition: record.partition,
      offset: record.offset,
    };
  }

  readValue(): V {
    return this.readRecord().value;
  }

  readKeyValue(): KeyValue<K, V> {
    const record = this.readRecord();
    return { key: record.key, value: record.value };
  }

  readRecordsToList(): OutputRecord<K, V>[] {
    const records: OutputRecord<K, V>[] = [];
    while (!this.isEmpty()) records.push(this.readRecord());
    return records;
  }

  readValuesToList(): V[] {
    return this.readRecordsToList().map((r) => r.value);
  }

  readKeyValuesToList(): KeyValue<K, V>[] {
    return this.readRecordsToList().map((r) => ({ key: r.key, value: r.value }));
  }

  /** The latest value per key (a null value removes the key), as a table reader would see it. */
  readKeyValuesToMap(): Map<K, V> {
    const table = new Map<K, V>();
    for (const record of this.readRecordsToList()) {
      if (record.value === null || record.value === undefined) table.delete(record.key);
      else table.set(record.key, record.value);
    }
    return table;
  }
}
