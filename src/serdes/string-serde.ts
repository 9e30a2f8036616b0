/** UTF-8 strings (Java's `StringSerializer` / `StringDeserializer` with their default encoding). */
import { describeValue, type Serde, SerializationException } from './serde.ts';

const NAME = 'Serdes.String()';

export const stringSerde: Serde<string> = {
  name: NAME,
  serializer(topic, data) {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'string')
      throw new SerializationException(NAME, topic, `expects a string, got ${describeValue(data)}`);
    return Buffer.from(data, 'utf8');
  },
  deserializer(_topic, data) {
    // Like Java's new String(bytes, UTF_8), malformed input becomes U+FFFD rather than an error.
    return (data === null ? null : data.toString('utf8')) as string;
  },
};
