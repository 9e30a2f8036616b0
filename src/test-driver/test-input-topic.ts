/**
 * Pipes records into a topic of a TopologyTestDriver (Java's `TestInputTopic`). Each record is processed
 * completely (through every sub-topology and repartition topic) before the pipe call returns.
 * Timestamps: a record without one gets the topic's current time, which advances by `autoAdvanceMs` per record.
 */
import type { RecordHeader } from '../kafka/backend.ts';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import type { KeyValue } from '../state/key-value-store.ts';
import type { TestRecord } from './test-record.ts';

/** What an input topic needs from its driver. */
export interface InputTopicHost {
  pipe(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: readonly RecordHeader[],
    partition: number | undefined,
  ): void;
}

export class TestInputTopic<K, V> {
  readonly topic: string;
  private readonly host: InputTopicHost;
  private readonly keySerde: SerdeLike<K>;
  private readonly valueSerde: SerdeLike<V>;
  private currentTime: number;
  private readonly autoAdvanceMs: number;

  /** @internal made by TopologyTestDriver#createInputTopic */
  constructor(
    host: InputTopicHost,
    topic: string,
    keySerde: SerdeLike<K>,
    valueSerde: SerdeLike<V>,
    startTimestamp: number,
    autoAdvanceMs: number,
  ) {
    this.host = host;
    this.topic = topic;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.currentTime = startTimestamp;
    this.autoAdvanceMs = autoAdvanceMs;
  }

  /** Moves the topic's time forward (for records piped without a timestamp). */
  advanceTime(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advanceTime needs a non-negative duration, got ${ms}`);
    this.currentTime += ms;
  }

  private timestampFor(timestamp: number | undefined): number {
    if (timestamp !== undefined) return timestamp;
    const now = this.currentTime;
    this.currentTime += this.autoAdvanceMs;
    return now;
  }

  /** Pipes one record; the time defaults to the topic's current time. */
  pipeInput(key: K, value: V, timestamp?: number, headers: readonly RecordHeader[] = []): void {
    this.pipeRecord({ key, value, timestamp, headers });
  }

  /** Pipes a record with a null key. */
  pipeValue(value: V, timestamp?: number): void {
    this.pipeRecord({ key: null as K, value, timestamp });
  }

  pipeRecord(record: TestRecord<K, V>): void {
    const headers = record.headers ?? [];
    const key =
      record.key === null || record.key === undefined
        ? null
        : this.keySerde.serializer(this.topic, record.key, headers);
    const value = this.valueSerde.serializer(this.topic, record.value, headers);
    this.host.pipe(this.topic, key, value, this.timestampFor(record.timestamp), headers, record.partition);
  }

  pipeKeyValueList(pairs: Iterable<readonly [K, V] | KeyValue<K, V>>): void {
    for (const pair of pairs) {
      if (Array.isArray(pair)) this.pipeInput(pair[0], pair[1]);
      else this.pipeInput((pair as KeyValue<K, V>).key, (pair as KeyValue<K, V>).value);
    }
  }

  pipeValueList(values: Iterable<V>): void {
    for (const value of values) this.pipeValue(value);
  }

  pipeRecordList(records: Iterable<TestRecord<K, V>>): void {
    for (const record of records) this.pipeRecord(record);
  }
}
