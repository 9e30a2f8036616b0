/**
 * Fixed-width numbers and booleans, byte for byte like Java's serializers (big-endian, two's complement,
 * IEEE 754): Short (2 bytes), Integer (4), Long (8), Float (4), Double (8), Boolean (1).
 *
 * int64 in TypeScript: `Serdes.Long()` uses `number`, since that is what JS code computes with; it refuses
 * integers outside Number's safe range (±(2^53-1)) in both directions rather than silently rounding.
 * `Serdes.BigLong()` uses `bigint` and covers the whole int64 range.
 */
import { describeValue, previewBytes, type Serde, SerializationException } from './serde.ts';

const TWO_POW_32 = 2 ** 32;

function wrongSize(name: string, topic: string, data: Buffer, size: number): SerializationException {
  return new SerializationException(name, topic, `expects ${size} bytes, got ${previewBytes(data)}`);
}

function integral(name: string, topic: string, data: unknown, min: number, max: number, what: string): number {
  if (typeof data !== 'number' || !Number.isInteger(data) || data < min || data > max) {
    throw new SerializationException(
      name,
      topic,
      `expects ${what} (an integer from ${min} to ${max}), got ${describeValue(data)}`,
    );
  }
  return data;
}

const SHORT = 'Serdes.Short()';
export const shortSerde: Serde<number> = {
  name: SHORT,
  exactRoundTrip: true,
  serializer(topic, data) {
    if (data === null || data === undefined) return null;
    const buffer = Buffer.allocUnsafe(2);
    buffer.writeInt16BE(integral(SHORT, topic, data, -32768, 32767, 'an int16'));
    return buffer;
  },
  deserializer(topic, data) {
    if (data === null) return null as unknown as number;
    if (data.length !== 2) throw wrongSize(SHORT, topic, data, 2);
    return data.readInt16BE(0);
  },
};

const INTEGER = 'Serdes.Integer()';
export const integerSerde: Serde<number> = {
  name: INTEGER,
  exactRoundTrip: true,
  serializer(topic, data) {
    if (data === null || data === undefined) return null;
    const buffer = Buffer.allocUnsafe(4);
    buffer.writeInt32BE(integral(INTEGER, topic, data, -2147483648, 2147483647, 'an int32'));
    return buffer;
  },
  deserializer(topic, data) {
    if (data === null) return null as unknown as number;
    if (data.length !== 4) throw wrongSize(INTEGER, topic, data, 4);
    return data.readInt32BE(0);
  },
};

const LONG = 'Serdes.Long()';
export const longSerde: Serde<number> = {
  name: LONG,
  exactRoundTrip: true,
  serializer(topic, data) {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'number' || !Number.isSafeInteger(data)) {
      throw new SerializationException(
        LONG,
        topic,
        `expects a safe integer (±(2^53-1)), got ${describeValue(data)}; use Serdes.BigLong() for the whole int64 range`,
      );
    }
    // Two 32-bit halves instead of BigInt: no allocation beyond the buffer on this hot path.
    const high = Math.floor(data / TWO_POW_32);
    const buffer = Buffer.allocUnsafe(8);
    buffer.writeInt32BE(high, 0);
    buffer.writeUInt32BE(data - high * TWO_POW_32, 4);
    return buffer;
  },
  deserializer(topic, data) {
    if (data === null) return null as unknown as number;
    if (data.length !== 8) throw wrongSize(LONG, topic, data, 8);
    const value = data.readInt32BE(0) * TWO_POW_32 + data.readUInt32BE(4);
    if (!Number.isSafeInteger(value)) {
      throw new SerializationException(
        LONG,
        topic,
        `read ${data.readBigInt64BE(0)}, beyond JavaScript's safe integer range (±(2^53-1)); use Serdes.BigLong() to read it as a bigint`,
      );
    }
    return value;
  },
};

const BIG_LONG = 'Serdes.BigLong()';
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
export const bigLongSerde: Serde<bigint> = {
  name: BIG_LONG,
  exactRoundTrip: true,
  serializer(topic, data) {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'bigint' || data < INT64_MIN || data > INT64_MAX) {
      throw new SerializationException(BIG_LONG, topic, `expects an int64 bigint, got ${describeValue(data)}`);
    }
    const buffer = Buffer.allocUnsafe(8);
    buffer.writeBigInt64BE(data);
    return buffer;
  },
  deserializer(topic, data) {
    if (data === null) return null as unknown as bigint;
    if (data.length !== 8) throw wrongSize(BIG_LONG, topic, data, 8);
    return data.readBigInt64BE(0);
  },
};

function floating(name: string, topic: string, data: unknown): number {
  if (typeof data !== 'number')
    throw new SerializationException(name, topic, `expects a number, got ${describeValue(data)}`);
  return data;
}

const FLOAT = 'Serdes.Float()';
/** float32: numbers are rounded to the nearest float32, as a Java `(float)` cast does. */
export const floatSerde: Serde<number> = {
  name: FLOAT,
  serializer(topic, data) {
    if (data === null || data === undefined) return null;
    const buffer = Buffer.allocUnsafe(4);
    buffer.writeFloatBE(floating(FLOAT, topic, data));
    return buffer;
  },
  deserializer(topic, data) {
    if (data === null) return null as unknown as number;
    if (data.length !== 4) throw wrongSize(FLOAT, topic, data, 4);
    return data.readFloatBE(0);
  },
};

const DOUBLE = 'Serdes.Double()';
export const doubleSerde: Serde<number> = {
  name: DOUBLE,
  serializer(topic, data) {
    if (data === null || data === undefined) return null;
    const buffer = Buffer.allocUnsafe(8);
    buffer.writeDoubleBE(floating(DOUBLE, topic, data));
    return buffer;
  },
  deserializer(topic, data) {
    if (data === null) return null as unknown as number;
    if (data.length !== 8) throw wrongSize(DOUBLE, topic, data, 8);
    return data.readDoubleBE(0);
  },
};

const BOOLEAN = 'Serdes.Boolean()';
const TRUE_BYTES = Buffer.from([1]);
const FALSE_BYTES = Buffer.from([0]);
/** One byte, 0x01 or 0x00; any other byte is an error (as in Java's `BooleanDeserializer`). */
export const booleanSerde: Serde<boolean> = {
  name: BOOLEAN,
  serializer(topic, data) {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'boolean')
      throw new SerializationException(BOOLEAN, topic, `expects a boolean, got ${describeValue(data)}`);
    // Fresh copies: a caller may keep and modify the bytes it was given.
    return Buffer.from(data ? TRUE_BYTES : FALSE_BYTES);
  },
  deserializer(topic, data) {
    if (data === null) return null as unknown as boolean;
    if (data.length !== 1) throw wrongSize(BOOLEAN, topic, data, 1);
    if (data[0] === 1) return true;
    if (data[0] === 0) return false;
    throw new SerializationException(BOOLEAN, topic, `expects 0x00 or 0x01, got ${previewBytes(data)}`);
  },
};
