/**
 * Serializers, deserializers and serdes, shaped like Kafka's (`org.apache.kafka.common.serialization`):
 * a serde turns a key or value of type `T` into the bytes of a record and back, knowing the topic (and the
 * record's headers) it works for.
 *
 * Null handling is Java's: every built-in serde maps `null` to `null` bytes and `null` bytes back to `null`
 * (a tombstone stays a tombstone). As in Java, the type parameter does not spell that out: a value typed `T`
 * may be `null` when the record was a tombstone.
 */
import type { RecordHeader } from '../kafka/backend.ts';

export type Serializer<T> = (topic: string, data: T, headers?: readonly RecordHeader[]) => Buffer | null;
export type Deserializer<T> = (topic: string, data: Buffer | null, headers?: readonly RecordHeader[]) => T;

export interface Serde<T> {
  readonly serializer: Serializer<T>;
  readonly deserializer: Deserializer<T>;
  /** Shown in errors, e.g. 'Serdes.Integer()'. */
  readonly name?: string;
  /**
   * True only when serializing what the deserializer returned gives back the very same bytes, whatever the
   * topic and headers (Serdes.Integer(), Serdes.ByteArray(), ...; not JSON or String, whose bytes have several
   * spellings). A sink may then write an untouched key's input bytes instead of serializing it again.
   */
  readonly exactRoundTrip?: boolean;
}

/** A key or value could not be converted (Java's `SerializationException`). Names the topic and the serde. */
export class SerializationException extends Error {
  override name = 'SerializationException';
  readonly topic: string;
  readonly serde: string;
  constructor(serde: string, topic: string, message: string, cause?: unknown) {
    super(`${serde} on topic "${topic}": ${message}`, cause === undefined ? undefined : { cause });
    this.topic = topic;
    this.serde = serde;
  }
}

/** A serde from a serializer and a deserializer (Java's `Serdes.serdeFrom`). */
export function serdeFrom<T>(serializer: Serializer<T>, deserializer: Deserializer<T>, name?: string): Serde<T> {
  return name === undefined ? { serializer, deserializer } : { serializer, deserializer, name };
}

/** A short, safe rendering of a value for error messages. */
export function describeValue(data: unknown): string {
  if (typeof data === 'bigint') return `${data}n (bigint)`;
  if (typeof data === 'string') return `${JSON.stringify(data.length > 40 ? `${data.slice(0, 40)}…` : data)} (string)`;
  if (Buffer.isBuffer(data)) return `<${data.length} bytes> (Buffer)`;
  if (typeof data === 'object' && data !== null) return Array.isArray(data) ? 'an array' : 'an object';
  return `${String(data)} (${typeof data})`;
}

/** Hex of the first bytes, for errors about bytes that could not be read. */
export function previewBytes(data: Buffer): string {
  const hex = data.subarray(0, 16).toString('hex');
  return data.length > 16 ? `${hex}… (${data.length} bytes)` : `${hex} (${data.length} bytes)`;
}
