/**
 * User sessions: clicks keyed by user are grouped into sessions that end after 30 minutes without a click
 * (clicks up to 1 minute late still count), and each session's click count is emitted once, when the session
 * has closed: `suppress(untilWindowCloses)` holds back the intermediate counts. The output topic
 * `user-session-clicks` is keyed by `Windowed<user>` in Kafka Streams' session-windowed layout
 * (`[user][end 8 bytes][start 8 bytes]`), so a Java consumer reads it with
 * `WindowedSerdes.sessionWindowedSerdeFrom(String.class)`. The suppression buffer is logged to a changelog:
 * a restarted application emits what it held back, once.
 */
import { Consumed } from '../../src/dsl/consumed.ts';
import { Materialized } from '../../src/dsl/materialized.ts';
import { Produced } from '../../src/dsl/produced.ts';
import { SessionWindows } from '../../src/dsl/session-windows.ts';
import { StreamsBuilder } from '../../src/dsl/streams-builder.ts';
import { BufferConfig, Suppressed } from '../../src/dsl/suppressed.ts';
import { Serdes } from '../../src/serdes/serdes.ts';
import { WindowedSerdes } from '../../src/serdes/windowed-serdes.ts';
import type { Topology } from '../../src/topology/topology.ts';

export const CLICKS_TOPIC = 'clicks';
export const SESSION_CLICKS_TOPIC = 'user-session-clicks';
export const SESSIONS_STORE = 'user-sessions';
export const INACTIVITY_GAP_MS = 30 * 60_000;
export const GRACE_MS = 60_000;

/** The key serde of the output topic. */
export const windowedUserSerde = WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String());

export function buildUserSessionsTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(CLICKS_TOPIC, Consumed.with(Serdes.String(), Serdes.String()))
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(INACTIVITY_GAP_MS, GRACE_MS))
    .count(Materialized.as(SESSIONS_STORE))
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('closed-sessions'))
    .toStream()
    .to(SESSION_CLICKS_TOPIC, Produced.with(windowedUserSerde, Serdes.Long()));
  return builder.build();
}
