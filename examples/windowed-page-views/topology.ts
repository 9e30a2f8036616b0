/**
 * Page views per page and minute: views keyed by page are counted in tumbling one-minute windows that accept
 * views up to 10 seconds late (later ones are dropped). Each update goes to `page-views-per-minute`, keyed by
 * `Windowed<page>` in Kafka Streams' time-windowed layout (`[page][window start, 8 bytes]`), so a Java
 * consumer reads it with `WindowedSerdes.timeWindowedSerdeFrom(String.class, 60000)`.
 */
import { Consumed } from '../../src/dsl/consumed.ts';
import { Materialized } from '../../src/dsl/materialized.ts';
import { Produced } from '../../src/dsl/produced.ts';
import { StreamsBuilder } from '../../src/dsl/streams-builder.ts';
import { TimeWindows } from '../../src/dsl/time-windows.ts';
import { Serdes } from '../../src/serdes/serdes.ts';
import { WindowedSerdes } from '../../src/serdes/windowed-serdes.ts';
import type { Topology } from '../../src/topology/topology.ts';

export const PAGE_VIEWS_TOPIC = 'page-views';
export const VIEWS_PER_MINUTE_TOPIC = 'page-views-per-minute';
export const VIEWS_PER_MINUTE_STORE = 'views-per-minute';
export const WINDOW_MS = 60_000;
export const GRACE_MS = 10_000;

/** The key serde of the output topic. */
export const windowedPageSerde = WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), WINDOW_MS);

export function buildWindowedPageViewsTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(PAGE_VIEWS_TOPIC, Consumed.with(Serdes.String(), Serdes.String()))
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_MS, GRACE_MS))
    .count(Materialized.as(VIEWS_PER_MINUTE_STORE))
    .toStream()
    .to(VIEWS_PER_MINUTE_TOPIC, Produced.with(windowedPageSerde, Serdes.Long()));
  return builder.build();
}
