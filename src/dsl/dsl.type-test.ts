/**
 * Compile-time tests of the DSL's types, checked by `tsc -p .` (never run). Types must flow from the source
 * through every operator without annotations, and a wrong type must be rejected (each `@ts-expect-error`
 * fails the type check if the line below it compiles).
 */
import { Serdes } from '../serdes/serdes.ts';
import { Consumed } from './consumed.ts';
import type { KGroupedStream } from './kgrouped-stream.ts';
import type { KStream } from './kstream.ts';
import type { KTable } from './ktable.ts';
import { Materialized } from './materialized.ts';
import { Produced } from './produced.ts';
import { StreamsBuilder } from './streams-builder.ts';

/** Fails to compile unless A and B are the same type. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<A, B>(_proof: Equals<A, B>): void {}

interface Order {
  id: string;
  total: number;
  lines: { sku: string; quantity: number }[];
}

const builder = new StreamsBuilder();
const orders = builder.stream<string, Order>('orders');
expectType<typeof orders, KStream<string, Order>>(true);

// mapValues: the value type comes from the function.
const totals = orders.mapValues((o) => o.total);
expectType<typeof totals, KStream<string, number>>(true);

// The serdes alone give the types.
const fromSerdes = builder.stream('orders-2', Consumed.with(Serdes.String(), Serdes.JSON<Order>()));
expectType<typeof fromSerdes, KStream<string, Order>>(true);

// map / flatMap with tuples; selectKey; flatMapValues.
const byCustomer = orders.map((id, o) => [o.total, id] as const);
expectType<typeof byCustomer, KStream<number, string>>(true);
const lines = orders.flatMapValues((o) => o.lines);
expectType<typeof lines, KStream<string, { sku: string; quantity: number }>>(true);
const bySku = lines.selectKey((_k, line) => line.sku);
expectType<typeof bySku, KStream<string, { sku: string; quantity: number }>>(true);
const pairs = orders.flatMap((id, o) =>
  o.lines.map((line) => ({ key: line.sku, value: line.quantity * o.total + id.length })),
);
expectType<typeof pairs, KStream<string, number>>(true);

// Grouping and aggregation.
const grouped = bySku.groupByKey();
expectType<typeof grouped, KGroupedStream<string, { sku: string; quantity: number }>>(true);
const counts = grouped.count(Materialized.as('sku-counts'));
expectType<typeof counts, KTable<string, number>>(true);
const quantities = grouped.aggregate(
  () => 0,
  (_sku, line, sum) => sum + line.quantity,
);
expectType<typeof quantities, KTable<string, number>>(true);
const regrouped = orders.groupBy((_id, o) => o.lines.length);
expectType<typeof regrouped, KGroupedStream<number, Order>>(true);
const biggest = orders.groupByKey().reduce((a, b) => (a.total > b.total ? a : b));
expectType<typeof biggest, KTable<string, Order>>(true);

// Tables: toStream, mapValues, groupBy with adder and subtractor.
const users = builder.table<string, { region: string }>('users');
const perRegion = users.groupBy((id, user) => [user.region, id]).count();
expectType<typeof perRegion, KTable<string, number>>(true);
const regionNames = users.mapValues((u) => u.region.length).toStream();
expectType<typeof regionNames, KStream<string, number | null>>(false);
expectType<typeof regionNames, KStream<string, number>>(true);

// Processor API: the output types come from the processor.
const processed = orders.process(() => ({
  init(context: import('../processor/processor-context.ts').ProcessorContext<number, boolean>) {
    void context;
  },
  process() {},
}));
expectType<typeof processed, KStream<number, boolean>>(true);

// Branches keep the stream's types.
const branches = orders
  .split()
  .branch((_k, o) => o.total > 100)
  .defaultBranch();
expectType<(typeof branches)[string], KStream<string, Order>>(true);

// Wrong types are rejected.
// @ts-expect-error: an Order has no `amount`
orders.mapValues((o) => o.amount);
// @ts-expect-error: the predicate must return a boolean-like value taking an Order, not a number
orders.filter((_k, o: number) => o > 1);
// @ts-expect-error: a KStream<string, number> cannot be merged into a KStream<string, Order>
orders.merge(totals);
// @ts-expect-error: Long serde for a stream of Orders
orders.to('out', Produced.with(Serdes.String(), Serdes.Long()));
// @ts-expect-error: count gives numbers; the aggregate is not a string
counts.mapValues((n) => n.toUpperCase());
const initialZero = () => 0;
const wrongAggregator = () => 'not a number';
// @ts-expect-error: the aggregator must return the aggregate's type
grouped.aggregate(initialZero, wrongAggregator);

// Java-style chained option objects keep the types.
const chainedSource = builder.stream(
  'orders-3',
  Consumed.with(Serdes.String(), Serdes.JSON<Order>()).withName('orders-source'),
);
expectType<typeof chainedSource, KStream<string, Order>>(true);
const chainedCount = grouped.count(
  Materialized.as('chained-counts').withValueSerde(Serdes.Long()).withLoggingDisabled(),
);
expectType<typeof chainedCount, KTable<string, number>>(true);
// @ts-expect-error: a count is stored as numbers, not strings
grouped.count(Materialized.as('bad-counts').withValueSerde(Serdes.String()));
