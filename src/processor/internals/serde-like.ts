/**
 * The serde shape the topology codes against: the same shape as `src/serdes`' `Serde<T>` (structural, so
 * any serde from there fits). Kept here so the processor graph does not depend on which serdes exist.
 */
import type { RecordHeader } from '../../kafka/backend.ts';

export interface SerdeLike<T> {
  serializer(topic: string, data: T, headers?: readonly RecordHeader[]): Buffer | null;
  deserializer(topic: string, data: Buffer | null, headers?: readonly RecordHeader[]): T;
  /** serializer(deserializer(bytes)) gives back the same bytes (see src/serdes/serde.ts). */
  readonly exactRoundTrip?: boolean;
}
