/**
 * Serdes of windowed keys (Java's `WindowedSerdes`), byte-compatible with Kafka Streams: time windows
 * `[key][start 8 bytes BE]` (the end is start + window size), session windows `[key][end 8][start 8]`.
 */
import { sessionWindowedSerdeFrom } from './session-windowed-serde.ts';
import { timeWindowedSerdeFrom } from './time-windowed-serde.ts';

export const WindowedSerdes = {
  /** The serde of `Windowed<K>` keys of time windows `windowSize` ms long (tumbling, hopping or sliding). */
  timeWindowedSerdeFrom,
  /** The serde of `Windowed<K>` keys of session windows. */
  sessionWindowedSerdeFrom,
} as const;
