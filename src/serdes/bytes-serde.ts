/** Raw bytes, passed through unchanged (Java's `Serdes.Bytes()` and `Serdes.ByteArray()`). */
import { describeValue, type Serde, SerializationException } from './serde.ts';

function bytesSerde(name: string): Serde<Buffer> {
  return {
    name,
    exactRoundTrip: true,
    serializer(topic, data) {
      if (data === null || data === undefined) return null;
      if (Buffer.isBuffer(data)) return data;
      if ((data as unknown) instanceof Uint8Array)
        return Buffer.from(
          (data as Uint8Array).buffer,
          (data as Uint8Array).byteOffset,
          (data as Uint8Array).byteLength,
        );
      throw new SerializationException(name, topic, `expects a Buffer or Uint8Array, got ${describeValue(data)}`);
    },
    deserializer(_topic, data) {
      return data as Buffer;
    },
  };
}

export const bytesSerdeInstance: Serde<Buffer> = bytesSerde('Serdes.Bytes()');
export const byteArraySerde: Serde<Buffer> = bytesSerde('Serdes.ByteArray()');
