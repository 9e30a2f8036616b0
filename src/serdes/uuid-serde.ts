/**
 * UUIDs as text (Java's `UUIDSerializer` / `UUIDDeserializer`): the 36-character canonical form
 * (`8-4-4-4-12` hex digits) in UTF-8, not 16 raw bytes. The TypeScript type is that string; the serializer
 * writes lower case, as Java's `UUID.toString()` does, so equal UUIDs give equal bytes (and equal partitions).
 */
import { describeValue, previewBytes, type Serde, SerializationException } from './serde.ts';

const NAME = 'Serdes.UUID()';
const CANONICAL = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const uuidSerde: Serde<string> = {
  name: NAME,
  serializer(topic, data) {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'string' || !CANONICAL.test(data)) {
      throw new SerializationException(
        NAME,
        topic,
        `expects a UUID string like "123e4567-e89b-12d3-a456-426614174000", got ${describeValue(data)}`,
      );
    }
    return Buffer.from(data.toLowerCase(), 'latin1');
  },
  deserializer(topic, data) {
    if (data === null) return null as unknown as string;
    const text = data.toString('latin1');
    if (data.length !== 36 || !CANONICAL.test(text)) {
      throw new SerializationException(NAME, topic, `the bytes are not a UUID in text form: ${previewBytes(data)}`);
    }
    return text.toLowerCase();
  },
};
