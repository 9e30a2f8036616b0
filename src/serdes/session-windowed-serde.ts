/**
 * The serde of session-windowed keys (Java's `SessionWindowedSerializer` / `SessionWindowedDeserializer`,
 * `WindowedSerdes.sessionWindowedSerdeFrom`): byte-compatible with Java's, the layout of `SessionKeySchema`:
 * `[inner key bytes][session end, 8 bytes big-endian][session start, 8 bytes big-endian]`.
 */
import { Windowed } from '../dsl/windowed.ts';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import {
  type DeferredSerde,
  RESOLVE_SERDE,
  resolveSerde,
  type SerdeRole,
} from '../processor/internals/serde-resolution.ts';
import {
  extractSessionEnd,
  extractSessionKeyBytes,
  extractSessionStart,
  sessionKeyToBinary,
} from '../state/internals/session-key-schema.ts';
import { previewBytes, type Serde, SerializationException } from './serde.ts';

const NAME = 'SessionWindowedSerde';

/** A serde of `Windowed<K>` session keys over the serde of `K`. */
export function sessionWindowedSerdeFrom<K>(inner: SerdeLike<K>): Serde<Windowed<K>> {
  if (inner === undefined || inner === null || typeof inner.serializer !== 'function') {
    throw new TypeError('sessionWindowedSerdeFrom needs the serde of the inner key (e.g. Serdes.String())');
  }
  return {
    name: `${NAME}(${(inner as { name?: string }).name ?? 'inner'})`,
    serializer(topic: string, data: Windowed<K>): Buffer | null {
      if (data === null || data === undefined) return null;
      const keyBytes = inner.serializer(topic, data.key);
      if (keyBytes === null) throw new SerializationException(NAME, topic, 'the inner serde turned the key into null');
      return sessionKeyToBinary(keyBytes, data.window.start, data.window.end);
    },
    deserializer(topic: string, data: Buffer | null): Windowed<K> {
      if (data === null) return null as unknown as Windowed<K>;
      if (data.length < 16)
        throw new SerializationException(NAME, topic, `too short for [key][end 8][start 8]: ${previewBytes(data)}`);
      const key = inner.deserializer(topic, extractSessionKeyBytes(data));
      return Windowed.of(key, { start: extractSessionStart(data), end: extractSessionEnd(data) });
    },
  };
}

/**
 * The session-windowed serde of a DSL table whose inner key serde may come from the config
 * (`default.key.serde`): resolved when the task starts.
 */
export class DeferredSessionWindowedSerde<K> implements DeferredSerde<Windowed<K>> {
  private readonly inner: SerdeLike<K> | undefined;
  constructor(inner: SerdeLike<K> | undefined) {
    this.inner = inner;
  }
  [RESOLVE_SERDE](
    config: Readonly<Record<string, unknown>>,
    role: SerdeRole,
    where: string,
    fix: string,
  ): SerdeLike<Windowed<K>> {
    return sessionWindowedSerdeFrom(resolveSerde(this.inner, config, role, where, fix));
  }
}
