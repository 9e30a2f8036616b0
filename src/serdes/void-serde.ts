/** Always null (Java's `Serdes.Void()`): for keys or values that carry nothing. Non-null input is an error. */
import { describeValue, previewBytes, type Serde, SerializationException } from './serde.ts';

const NAME = 'Serdes.Void()';

export const voidSerde: Serde<null> = {
  name: NAME,
  serializer(topic, data) {
    if (data !== null && data !== undefined) {
      throw new SerializationException(NAME, topic, `expects null, got ${describeValue(data)}`);
    }
    return null;
  },
  deserializer(topic, data) {
    if (data !== null) throw new SerializationException(NAME, topic, `expects null data, got ${previewBytes(data)}`);
    return null;
  },
};
