/**
 * A topology that joins a stream to a GlobalKTable by hand (Processor API over the global store): each visit
 * `key → country code` becomes `"<key> from <country name>"`. Shared by the GlobalKTable tests on the
 * TopologyTestDriver and under KafkaStreams, so both prove the same topology.
 */
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { Record } from '../../processor/record.ts';
import type { ReadOnlyKeyValueStore } from '../../state/key-value-store.ts';
import type { Topology } from '../../topology/topology.ts';
import { StreamsBuilder } from '../streams-builder.ts';

/** Visits from `visitsTopic`, enriched from the global table of `countriesTopic` (store "country-names"), to `output`. */
export function enrichingTopology(countriesTopic: string, visitsTopic: string, output: string): Topology {
  const builder = new StreamsBuilder();
  const countries = builder.globalTable(countriesTopic, undefined, { storeName: 'country-names' });
  builder
    .stream(visitsTopic)
    .process<string, string>(() => {
      let context: ProcessorContext<string, string>;
      let names: ReadOnlyKeyValueStore<string, string>;
      return {
        init(ctx) {
          context = ctx;
          names = ctx.getStateStore(countries.queryableStoreName) as unknown as ReadOnlyKeyValueStore<string, string>;
        },
        process(record: Record<string, string>) {
          context.forward(record.withValue(`${record.key} from ${names.get(record.value) ?? 'unknown'}`));
        },
      };
    })
    .to(output);
  return builder.build();
}
