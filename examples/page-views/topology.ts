/**
 * Page views counted per user: views keyed by page come in, are re-keyed by user through a repartition topic
 * (`<application.id>-views-by-user-repartition`), and counted in the store `views-per-user`.
 */
import { Consumed } from '../../src/dsl/consumed.ts';
import { Materialized } from '../../src/dsl/materialized.ts';
import { Produced } from '../../src/dsl/produced.ts';
import { StreamsBuilder } from '../../src/dsl/streams-builder.ts';
import { Serdes } from '../../src/serdes/serdes.ts';
import type { Topology } from '../../src/topology/topology.ts';

export interface PageView {
  readonly user: string;
  readonly page: string;
}

export const PAGE_VIEWS_TOPIC = 'page-views';
export const VIEWS_PER_USER_TOPIC = 'views-per-user-counts';
export const VIEWS_PER_USER_STORE = 'views-per-user';

export function buildPageViewsTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(PAGE_VIEWS_TOPIC, Consumed.with(Serdes.String(), Serdes.JSON<PageView>()))
    .groupBy((_page, view) => view.user, {
      name: 'views-by-user',
      keySerde: Serdes.String(),
      valueSerde: Serdes.JSON<PageView>(),
    })
    .count(Materialized.as(VIEWS_PER_USER_STORE))
    .toStream()
    .to(VIEWS_PER_USER_TOPIC, Produced.with(Serdes.String(), Serdes.Long()));
  return builder.build();
}
