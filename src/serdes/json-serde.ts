/**
 * Typed JSON in UTF-8 (`Serdes.JSON<Order>()`). Java's Kafka has no JSON serde in `Serdes`; this writes what
 * `JSON.stringify` writes, so any JSON reader (Jackson, Connect's JsonConverter without schemas) reads it.
 * The type parameter is a promise, not a check: parsed values are not validated against `T`.
 */
import { previewBytes, type Serde, SerializationException } from './serde.ts';

const NAME = 'Serdes.JSON()';

const jsonSerdeInstance: Serde<unknown> = {
  name: NAME,
  serializer(topic, data) {
    if (data === null || data === undefined) return null;
    let text: string | undefined;
    try {
      text = JSON.stringify(data);
    } catch (error) {
      throw new SerializationException(
        NAME,
        topic,
        `cannot write the value as JSON: ${(error as Error).message}`,
        error,
      );
    }
    // JSON.stringify returns undefined for functions and symbols: nothing that could be read back.
    if (text === undefined) throw new SerializationException(NAME, topic, `a ${typeof data} has no JSON form`);
    return Buffer.from(text, 'utf8');
  },
  deserializer(topic, data) {
    if (data === null) return null;
    try {
      return JSON.parse(data.toString('utf8'));
    } catch (error) {
      throw new SerializationException(
        NAME,
        topic,
        `the bytes are not valid JSON (${(error as Error).message}): ${previewBytes(data)}`,
        error,
      );
    }
  },
};

export function jsonSerde<T>(): Serde<T> {
  return jsonSerdeInstance as Serde<T>;
}
