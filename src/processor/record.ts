/**
 * A record flowing through processors (Java's `api.Record`): key, value, timestamp and headers. Immutable:
 * the `with*` methods return a copy, so a processor may forward one record to several children safely.
 */
import type { RecordHeader } from '../kafka/backend.ts';

export type Headers = readonly RecordHeader[];

const NO_HEADERS: Headers = Object.freeze([]) as Headers;

export class Record<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: Headers;

  constructor(key: K, value: V, timestamp: number, headers: Headers = NO_HEADERS) {
    if (!(timestamp >= 0)) {
      throw new RangeError(`a record's timestamp must be a non-negative number of milliseconds, got ${timestamp}`);
    }
    this.key = key;
    this.value = value;
    this.timestamp = timestamp;
    this.headers = headers;
  }

  withKey<NewK>(key: NewK): Record<NewK, V> {
    return new Record(key, this.value, this.timestamp, this.headers);
  }

  withValue<NewV>(value: NewV): Record<K, NewV> {
    return new Record(this.key, value, this.timestamp, this.headers);
  }

  withTimestamp(timestamp: number): Record<K, V> {
    return new Record(this.key, this.value, timestamp, this.headers);
  }

  withHeaders(headers: Headers): Record<K, V> {
    return new Record(this.key, this.value, this.timestamp, headers);
  }

  /** The last header with this key, or undefined (Java's `headers().lastHeader(key)`). */
  lastHeader(key: string): RecordHeader | undefined {
    const headers = this.headers;
    for (let i = headers.length - 1; i >= 0; i--) {
      if (headers[i].key === key) return headers[i];
    }
    return undefined;
  }
}

/**
 * A record whose key may not change (Java's `FixedKeyRecord`), handed to `processValues` processors:
 * there is no `withKey`, so the type system keeps the key (and with it the partitioning) intact.
 */
export interface FixedKeyRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: Headers;
  withValue<NewV>(value: NewV): FixedKeyRecord<K, NewV>;
  withTimestamp(timestamp: number): FixedKeyRecord<K, V>;
  withHeaders(headers: Headers): FixedKeyRecord<K, V>;
  lastHeader(key: string): RecordHeader | undefined;
}
