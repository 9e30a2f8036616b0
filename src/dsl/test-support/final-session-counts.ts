/**
 * Test support: the final count of clicks per user session (gap 100 ms), suppressed until each session
 * closes: the program of the suppress restart and crash tests, in-process and in a child process.
 */

import { Serdes } from '../../serdes/serdes.ts';
import { sessionWindowedSerdeFrom } from '../../serdes/session-windowed-serde.ts';
import type { Topology } from '../../topology/topology.ts';
import { SessionWindows } from '../session-windows.ts';
import { StreamsBuilder } from '../streams-builder.ts';
import { BufferConfig, Suppressed } from '../suppressed.ts';

export const SESSION_GAP_MS = 100;
export const windowedStringSerde = sessionWindowedSerdeFrom(Serdes.String());

export function finalSessionCounts(input: string, output: string): Topology {
  const b = new StreamsBuilder();
  b.stream(input)
    .groupByKey({ keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(SESSION_GAP_MS))
    .count()
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream()
    .to(output, { keySerde: windowedStringSerde, valueSerde: Serdes.Long() });
  return b.build();
}
