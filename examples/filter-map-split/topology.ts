/**
 * A stateless pipeline: orders in, cancelled orders dropped, a total with tax computed, and the orders split
 * into large and small ones on two topics.
 */
import { Branched } from '../../src/dsl/branched.ts';
import { Consumed } from '../../src/dsl/consumed.ts';
import { Named } from '../../src/dsl/named.ts';
import { Produced } from '../../src/dsl/produced.ts';
import { StreamsBuilder } from '../../src/dsl/streams-builder.ts';
import { Serdes } from '../../src/serdes/serdes.ts';
import type { Topology } from '../../src/topology/topology.ts';

export interface Order {
  readonly id: string;
  readonly customer: string;
  readonly amount: number;
  readonly status: 'NEW' | 'PAID' | 'CANCELLED';
}

export interface PricedOrder extends Order {
  /** amount with 20% tax, in cents precision */
  readonly total: number;
}

export const ORDERS_TOPIC = 'orders';
export const LARGE_ORDERS_TOPIC = 'large-orders';
export const SMALL_ORDERS_TOPIC = 'small-orders';
/** Orders whose total reaches this go to the large-orders topic. */
export const LARGE_ORDER_THRESHOLD = 100;

export function priced(order: Order): PricedOrder {
  return { ...order, total: Math.round(order.amount * 120) / 100 };
}

export function buildFilterMapSplitTopology(): Topology {
  const builder = new StreamsBuilder();
  const branches = builder
    .stream(ORDERS_TOPIC, Consumed.with(Serdes.String(), Serdes.JSON<Order>()))
    .filter((_id, order) => order.status !== 'CANCELLED')
    .mapValues((order) => priced(order))
    .split(Named.as('by-size-'))
    .branch((_id, order) => order.total >= LARGE_ORDER_THRESHOLD, Branched.as('large'))
    .defaultBranch(Branched.as('small'));
  const produced = Produced.with(Serdes.String(), Serdes.JSON<PricedOrder>());
  branches['by-size-large'].to(LARGE_ORDERS_TOPIC, produced);
  branches['by-size-small'].to(SMALL_ORDERS_TOPIC, produced);
  return builder.build();
}
