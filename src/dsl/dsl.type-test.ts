/**
 * Compile-time tests of the DSL's types, checked by `tsc -p .` (never run). Types must flow from the source
 * through every operator without annotations, and a wrong type must be rejected (each `@ts-expect-error`
 * fails the type check if the line below it compiles).
 */
import { Serdes } from '../serdes/serdes.ts';
import { Consumed, ConsumedBuilder } from './consumed.ts';
import type { GlobalKTable } from './global-ktable.ts';
import { Grouped } from './grouped.ts';
import type { KGroupedStream } from './kgrouped-stream.ts';
import type { KStream } from './kstream.ts';
import type { KTable } from './ktable.ts';
import { Materialized } from './materialized.ts';
import { Produced } from './produced.ts';
import { Repartitioned } from './repartitioned.ts';
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

// A source's types come from its serdes, with no type arguments.
const orders = builder.stream('orders', Consumed.with(Serdes.String(), Serdes.JSON<Order>()));
expectType<typeof orders, KStream<string, Order>>(true);
const plainObject = builder.stream('orders-plain', { keySerde: Serdes.String(), valueSerde: Serdes.JSON<Order>() });
expectType<typeof plainObject, KStream<string, Order>>(true);
// A side without a serde reads strings.
const valueSerdeOnly = builder.stream('amounts', { valueSerde: Serdes.Integer() });
expectType<typeof valueSerdeOnly, KStream<string, number>>(true);
const keySerdeOnly = builder.stream('by-id', Consumed.with(Serdes.Long(), undefined));
expectType<typeof keySerdeOnly, KStream<number, string>>(true);
const noSerdes = builder.stream('lines');
expectType<typeof noSerdes, KStream<string, string>>(true);
const namedOnly = builder.stream('lines-2', Consumed.as('lines-source'));
expectType<typeof namedOnly, KStream<string, string>>(true);
const namedThenSerde = builder.stream('orders-4', Consumed.as('orders-4-source').withValueSerde(Serdes.JSON<Order>()));
expectType<typeof namedThenSerde, KStream<string, Order>>(true);
// Type arguments are fine with the serdes that back them, and string-like ones need none.
const explicitWithSerde = builder.stream<string, Order>('orders-5', { valueSerde: Serdes.JSON<Order>() });
expectType<typeof explicitWithSerde, KStream<string, Order>>(true);
const nullableStrings = builder.stream<string | null, string | null>('maybe-lines');
expectType<typeof nullableStrings, KStream<string | null, string | null>>(true);
const tableFromSerdes = builder.table('regions', Consumed.with(Serdes.String(), Serdes.JSON<{ region: string }>()));
expectType<typeof tableFromSerdes, KTable<string, { region: string }>>(true);
const globalFromSerdes = builder.globalTable('rates', { valueSerde: Serdes.Double() });
expectType<typeof globalFromSerdes, GlobalKTable<string, number>>(true);
const stringTable = builder.table('names', undefined, Materialized.as('names-store'));
expectType<typeof stringTable, KTable<string, string>>(true);

// The hole: no serde reads the value as a string, so a non-string type without its serde does not compile.
// @ts-expect-error: Expected 2 arguments: Order is not a string, give Consumed with a value serde
builder.stream<string, Order>('orders').mapValues((o) => o.total);
// @ts-expect-error: the plain object needs `valueSerde` for an Order
builder.stream<string, Order>('orders', { name: 'orders-source' });
// @ts-expect-error: Consumed.as reads strings until withValueSerde
builder.stream<string, Order>('orders', Consumed.as('orders-source'));
// @ts-expect-error: the key is a number: it needs `keySerde`
builder.stream<number, string>('by-id', { valueSerde: Serdes.String() });
// @ts-expect-error: the serde does not read Orders
builder.stream<string, Order>('orders', { valueSerde: Serdes.Long() });
// @ts-expect-error: Consumed.with cannot promise an Order without its serde
Consumed.with<string, Order>(undefined, undefined);
// @ts-expect-error: nor can the builder's constructor
new ConsumedBuilder<string, Order>({ name: 'orders-source' });
// @ts-expect-error: tables too
builder.table<string, Order>('orders-table');
// @ts-expect-error: a table's types come from Consumed; a serde in Materialized alone does not type it
builder.table<string, Order>('orders-table', undefined, Materialized.with(Serdes.String(), Serdes.JSON<Order>()));
// @ts-expect-error: and global tables
builder.globalTable<string, Order>('orders-global', { name: 'orders-global-source' });
// @ts-expect-error: the store's serde must fit the table's types
builder.table('names-2', undefined, Materialized.with(Serdes.String(), Serdes.Long()));

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
const users = builder.table('users', { valueSerde: Serdes.JSON<{ region: string }>() });
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
// @ts-expect-error: a Produced with a string value serde on a stream of numbers
totals.to('out', Produced.with(Serdes.String(), Serdes.String()));
// @ts-expect-error: the plain-object form is checked the same way
totals.to('out', { valueSerde: Serdes.String() });
// @ts-expect-error: and a chained one
totals.to('out', Produced.as('totals-sink').withValueSerde(Serdes.String()));
totals.to('out', Produced.as('totals-sink').withValueSerde(Serdes.Double()));
totals.to('out', Produced.as('totals-sink'));
totals.to('out', Produced.with(Serdes.String(), Serdes.Double()));
// @ts-expect-error: Grouped serdes are checked against the stream
orders.groupByKey(Grouped.with(Serdes.String(), Serdes.String()));
// @ts-expect-error: the new key of groupBy is a number, not a string
orders.groupBy((_id, o) => o.total, Grouped.with(Serdes.String(), Serdes.JSON<Order>()));
orders.groupBy((_id, o) => o.total, Grouped.with(Serdes.Double(), Serdes.JSON<Order>()));
// @ts-expect-error: Repartitioned serdes are checked against the stream
totals.repartition(Repartitioned.with(Serdes.String(), Serdes.String()));
totals.repartition(Repartitioned.as('totals-by-id').withValueSerde(Serdes.Double()));
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
