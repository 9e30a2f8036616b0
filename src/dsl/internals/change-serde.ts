/**
 * Serializes a table Change on a repartition topic (KTable#groupBy): one record holds the new and the old
 * value. Layout (ours; only Tributary reads its own repartition topics): a flag byte (1 = new present,
 * 2 = old present), the new value's length as int32, the new value's bytes, then the old value's bytes.
 */
import type { SerdeLike } from '../../processor/internals/serde-like.ts';
import {
  type DeferredSerde,
  RESOLVE_SERDE,
  resolveSerde,
  type SerdeRole,
} from '../../processor/internals/serde-resolution.ts';
import { Change } from './change.ts';

export class ChangeSerde<V> implements DeferredSerde<Change<V>> {
  private readonly inner: SerdeLike<V> | undefined;
  constructor(inner: SerdeLike<V> | undefined) {
    this.inner = inner;
  }
  [RESOLVE_SERDE](
    config: Readonly<Record<string, unknown>>,
    role: SerdeRole,
    where: string,
    fix: string,
  ): SerdeLike<Change<V>> {
    const inner = resolveSerde(this.inner, config, role, where, fix);
    return {
      serializer(topic: string, change: Change<V>): Buffer | null {
        const newBytes = change.newValue === null ? null : inner.serializer(topic, change.newValue);
        const oldBytes = change.oldValue === null ? null : inner.serializer(topic, change.oldValue);
        const header = Buffer.allocUnsafe(5);
        header[0] = (newBytes === null ? 0 : 1) | (oldBytes === null ? 0 : 2);
        header.writeInt32BE(newBytes === null ? 0 : newBytes.length, 1);
        return Buffer.concat([header, newBytes ?? Buffer.alloc(0), oldBytes ?? Buffer.alloc(0)]);
      },
      deserializer(topic: string, data: Buffer | null): Change<V> {
        if (data === null || data.length < 5) throw new Error(`not a table change record on topic "${topic}"`);
        const flags = data[0];
        const newLength = data.readInt32BE(1);
        const newValue = flags & 1 ? inner.deserializer(topic, data.subarray(5, 5 + newLength)) : null;
        const oldValue = flags & 2 ? inner.deserializer(topic, data.subarray(5 + newLength)) : null;
        return new Change(newValue, oldValue);
      },
    };
  }
}
