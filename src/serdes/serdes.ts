/**
 * The built-in serdes (Java's `org.apache.kafka.common.serialization.Serdes`), each typed:
 *
 * | serde | TS type | bytes |
 * | --- | --- | --- |
 * | `Serdes.String()` | string | UTF-8 |
 * | `Serdes.JSON<T>()` | T | UTF-8 JSON |
 * | `Serdes.Bytes()`, `Serdes.ByteArray()` | Buffer | as is |
 * | `Serdes.Short()` | number | int16 big-endian |
 * | `Serdes.Integer()` | number | int32 big-endian |
 * | `Serdes.Long()` | number (safe integers only) | int64 big-endian |
 * | `Serdes.BigLong()` | bigint | int64 big-endian |
 * | `Serdes.Float()` | number (rounded to float32) | IEEE 754 binary32 big-endian |
 * | `Serdes.Double()` | number | IEEE 754 binary64 big-endian |
 * | `Serdes.Boolean()` | boolean | one byte, 0x01 / 0x00 |
 * | `Serdes.UUID()` | string | the 36-char text form, UTF-8 (as Java's UUIDSerializer) |
 * | `Serdes.Void()` | null | always null |
 *
 * All map null to null both ways, like Java's. Errors are {@link SerializationException}s naming the topic
 * and the serde.
 */
import { byteArraySerde, bytesSerdeInstance } from './bytes-serde.ts';
import { jsonSerde } from './json-serde.ts';
import {
  bigLongSerde,
  booleanSerde,
  doubleSerde,
  floatSerde,
  integerSerde,
  longSerde,
  shortSerde,
} from './primitive-serdes.ts';
import { type Deserializer, type Serde, type Serializer, serdeFrom } from './serde.ts';
import { stringSerde } from './string-serde.ts';
import { uuidSerde } from './uuid-serde.ts';
import { voidSerde } from './void-serde.ts';

export const Serdes = {
  String: (): Serde<string> => stringSerde,
  JSON: <T>(): Serde<T> => jsonSerde<T>(),
  Bytes: (): Serde<Buffer> => bytesSerdeInstance,
  ByteArray: (): Serde<Buffer> => byteArraySerde,
  Short: (): Serde<number> => shortSerde,
  Integer: (): Serde<number> => integerSerde,
  Long: (): Serde<number> => longSerde,
  BigLong: (): Serde<bigint> => bigLongSerde,
  Float: (): Serde<number> => floatSerde,
  Double: (): Serde<number> => doubleSerde,
  Boolean: (): Serde<boolean> => booleanSerde,
  UUID: (): Serde<string> => uuidSerde,
  Void: (): Serde<null> => voidSerde,
  serdeFrom: <T>(serializer: Serializer<T>, deserializer: Deserializer<T>, name?: string): Serde<T> =>
    serdeFrom(serializer, deserializer, name),
} as const;
