/**
 * The store a left/outer stream-stream join keeps its not-yet-joined records in until their window closes
 * (Java's shared "outer join" `ListValueStore` of `TimestampedKeyAndJoinSide` → `LeftOrRightValue`). Keys
 * serialize as Java's: `[timestamp, 8 bytes big-endian][1 = left side, 0 = right][key bytes]`, so a full scan
 * (in serialized-key order) visits records oldest first, the right side before the left at equal times. Each
 * key holds the list of its values (duplicates are kept); the changelog logs the whole list.
 */
import type { SerdeLike } from '../../processor/internals/serde-like.ts';
import {
  type DeferredSerde,
  RESOLVE_SERDE,
  resolveSerde,
  type SerdeRole,
} from '../../processor/internals/serde-resolution.ts';

export interface TimestampedKeyAndJoinSide<K> {
  readonly key: K;
  readonly timestamp: number;
  readonly leftSide: boolean;
}

/** One side's value: exactly one of the two is set. */
export interface LeftOrRightValue<VL, VR> {
  readonly leftValue: VL | null;
  readonly rightValue: VR | null;
}

export class TimestampedKeyAndJoinSideSerde<K> implements DeferredSerde<TimestampedKeyAndJoinSide<K>> {
  private readonly keySerde: SerdeLike<K> | undefined;
  constructor(keySerde: SerdeLike<K> | undefined) {
    this.keySerde = keySerde;
  }
  [RESOLVE_SERDE](
    config: Readonly<Record<string, unknown>>,
    role: SerdeRole,
    where: string,
    fix: string,
  ): SerdeLike<TimestampedKeyAndJoinSide<K>> {
    const inner = resolveSerde(this.keySerde, config, role, where, fix);
    return {
      serializer(topic: string, data: TimestampedKeyAndJoinSide<K>): Buffer {
        const keyBytes = inner.serializer(topic, data.key) ?? Buffer.alloc(0);
        const bytes = Buffer.allocUnsafe(9 + keyBytes.length);
        bytes.writeBigInt64BE(BigInt(data.timestamp), 0);
        bytes[8] = data.leftSide ? 1 : 0;
        keyBytes.copy(bytes, 9);
        return bytes;
      },
      deserializer(topic: string, data: Buffer | null): TimestampedKeyAndJoinSide<K> {
        if (data === null || data.length < 9) throw new Error(`not an outer-join store key on topic "${topic}"`);
        return {
          timestamp: Number(data.readBigInt64BE(0)),
          leftSide: data[8] === 1,
          key: inner.deserializer(topic, data.subarray(9)),
        };
      },
    };
  }
}

/** A list of LeftOrRightValue: per element `[int32 length][1 = left, 0 = right][value bytes]`. */
export class LeftOrRightValueListSerde<VL, VR> implements DeferredSerde<LeftOrRightValue<VL, VR>[]> {
  private readonly leftSerde: SerdeLike<VL> | undefined;
  private readonly rightSerde: SerdeLike<VR> | undefined;
  constructor(leftSerde: SerdeLike<VL> | undefined, rightSerde: SerdeLike<VR> | undefined) {
    this.leftSerde = leftSerde;
    this.rightSerde = rightSerde;
  }
  [RESOLVE_SERDE](
    config: Readonly<Record<string, unknown>>,
    role: SerdeRole,
    where: string,
    fix: string,
  ): SerdeLike<LeftOrRightValue<VL, VR>[]> {
    const left = resolveSerde(this.leftSerde, config, role, where, fix);
    const right = resolveSerde(this.rightSerde, config, role, where, fix);
    return {
      serializer(topic: string, list: LeftOrRightValue<VL, VR>[]): Buffer {
        const parts: Buffer[] = [];
        for (const item of list) {
          const isLeft = item.leftValue !== null;
          const raw =
            (isLeft ? left.serializer(topic, item.leftValue as VL) : right.serializer(topic, item.rightValue as VR)) ??
            Buffer.alloc(0);
          const header = Buffer.allocUnsafe(5);
          header.writeInt32BE(raw.length + 1, 0);
          header[4] = isLeft ? 1 : 0;
          parts.push(header, raw);
        }
        return Buffer.concat(parts);
      },
      deserializer(topic: string, data: Buffer | null): LeftOrRightValue<VL, VR>[] {
        const list: LeftOrRightValue<VL, VR>[] = [];
        if (data === null) return list;
        let offset = 0;
        while (offset + 5 <= data.length) {
          const length = data.readInt32BE(offset);
          const isLeft = data[offset + 4] === 1;
          const raw = data.subarray(offset + 5, offset + 4 + length);
          list.push(
            isLeft
              ? { leftValue: left.deserializer(topic, raw), rightValue: null }
              : { leftValue: null, rightValue: right.deserializer(topic, raw) },
          );
          offset += 4 + length;
        }
        return list;
      },
    };
  }
}
