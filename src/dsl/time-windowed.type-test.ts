/**
 * Compile-time tests of the time-windowed DSL's types, checked by `tsc -p .` (never run): windowed
 * aggregations yield tables keyed by `Windowed<K>` without annotations, and wrong types are rejected.
 */
import { Serdes } from '../serdes/serdes.ts';
import { WindowedSerdes } from '../serdes/windowed-serdes.ts';
import { Consumed } from './consumed.ts';
import { EmitStrategy } from './emit-strategy.ts';
import type { KTable } from './ktable.ts';
import { Materialized } from './materialized.ts';
import { Produced } from './produced.ts';
import { SlidingWindows } from './sliding-windows.ts';
import { StreamsBuilder } from './streams-builder.ts';
import { TimeWindows } from './time-windows.ts';
import type { Windowed } from './windowed.ts';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<A, B>(_proof: Equals<A, B>): void {}

const builder = new StreamsBuilder();
const clicks = builder.stream('clicks', Consumed.with(Serdes.String(), Serdes.Integer()));
const windowed = clicks.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(60_000).advanceBy(10_000));

const counts = windowed.count();
expectType<typeof counts, KTable<Windowed<string>, number>>(true);

const sums = windowed.aggregate(
  () => 0,
  (_user, clicksNow, sum) => sum + clicksNow,
);
expectType<typeof sums, KTable<Windowed<string>, number>>(true);

const maxima = clicks
  .groupByKey()
  .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(5_000, 1_000))
  .reduce((a, b) => Math.max(a, b), Materialized.as<string, number>('max').withRetention(60_000));
expectType<typeof maxima, KTable<Windowed<string>, number>>(true);

const finals = clicks
  .groupByKey()
  .windowedBy(TimeWindows.ofSizeAndGrace(1_000, 500))
  .emitStrategy(EmitStrategy.onWindowClose())
  .count();
finals.toStream().to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 1_000), Serdes.Long()));

finals.toStream().foreach((key, count) => {
  expectType<typeof key, Windowed<string>>(true);
  expectType<typeof count, number>(true);
});

// @ts-expect-error a reducer must return the value type
windowed.reduce((a, b) => `${a}${b}`);

const integerKeyed = Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.Integer(), 1_000), Serdes.Long());
// @ts-expect-error the windowed serde of another key type does not fit
finals.toStream().to('out', integerKeyed);
