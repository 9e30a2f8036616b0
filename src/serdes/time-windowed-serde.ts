/**
 * The serde of time-windowed keys (Java's `TimeWindowedSerializer` / `TimeWindowedDeserializer`,
 * `WindowedSerdes.timeWindowedSerdeFrom`): byte-compatible with Java's, `[inner key bytes][window start,
 * 8 bytes big-endian]`. The window end is not written: the deserializer adds the window size to the start.
 */
import { Windowed } from '../dsl/windowed.ts';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import {
  type DeferredSerde,
  RESOLVE_SERDE,
  resolveSerde,
  type SerdeRole,
} from '../processor/internals/serde-resolution.ts';
import { readLongBE, TIMESTAMP_SIZE, writeLongBE } from '../state/internals/window-key-schema.ts';
import { previewBytes, type Serde, SerializationException } from './serde.ts';

const NAME = 'TimeWindowedSerde';

/** A serde of `Windowed<K>` keys of windows `windowSize` ms long, over the serde of `K`. */
export function timeWindowedSerdeFrom<K>(inner: SerdeLike<K>, windowSize: number): Serde<Windowed<K>> {
  if (inner === undefined || inner === null || typeof inner.serializer !== 'function')
    throw new TypeError('timeWindowedSerdeFrom needs the serde of the inner key (e.g. Serdes.String())');
  if (!Number.isSafeInteger(windowSize) || windowSize < 0)
    throw new RangeError(`timeWindowedSerdeFrom needs the window size in milliseconds, got ${windowSize}`);
  return {
    name: `${NAME}(${(inner as { name?: string }).name ?? 'inner'}, ${windowSize})`,
    serializer(topic: string, data: Windowed<K>): Buffer | null {
      if (data === null || data === undefined) return null;
      const keyBytes = inner.serializer(topic, data.key);
      if (keyBytes === null) throw new SerializationException(NAME, topic, 'the inner serde turned the key into null');
      const out = Buffer.allocUnsafe(keyBytes.length + TIMESTAMP_SIZE);
      keyBytes.copy(out, 0);
      writeLongBE(out, data.window.start, keyBytes.length);
      return out;
    },
    deserializer(topic: string, data: Buffer | null): Windowed<K> {
      if (data === null) return null as unknown as Windowed<K>;
      if (data.length < TIMESTAMP_SIZE)
        throw new SerializationException(NAME, topic, `too short for [key][start 8]: ${previewBytes(data)}`);
      const split = data.length - TIMESTAMP_SIZE;
      const key = inner.deserializer(topic, data.subarray(0, split));
      const start = readLongBE(data, split);
      return Windowed.of(key, { start, end: start + windowSize });
    },
  };
}

/**
 * The time-windowed serde of a DSL table whose inner key serde may come from the config
 * (`default.key.serde`): resolved when the task starts.
 */
export class DeferredTimeWindowedSerde<K> implements DeferredSerde<Windowed<K>> {
  private readonly inner: SerdeLike<K> | undefined;
  private readonly windowSize: number;
  constructor(inner: SerdeLike<K> | undefined, windowSize: number) {
    this.inner = inner;
    this.windowSize = windowSize;
  }
  [RESOLVE_SERDE](
    config: Readonly<Record<string, unknown>>,
    role: SerdeRole,
    where: string,
    fix: string,
  ): SerdeLike<Windowed<K>> {
    return timeWindowedSerdeFrom(resolveSerde(this.inner, config, role, where, fix), this.windowSize);
  }
}
