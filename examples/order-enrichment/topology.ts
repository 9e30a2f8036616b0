/**
 * Orders enriched with customers, and matched with their payments:
 * - orders (keyed by order id) are re-keyed by customer id through the repartition topic
 *   `<application.id>-orders-by-customer-repartition` and left-joined with the customers table, so every order
 *   comes out with its customer's name and tier (null when the customer is unknown);
 * - orders are joined with the payments made for them (same order id) within an hour after the order.
 * The result types come from the joiners: no annotations needed.
 */
import { Consumed } from '../../src/dsl/consumed.ts';
import { JoinWindows } from '../../src/dsl/join-windows.ts';
import { Joined } from '../../src/dsl/joined.ts';
import { Materialized } from '../../src/dsl/materialized.ts';
import { Produced } from '../../src/dsl/produced.ts';
import { StreamJoined } from '../../src/dsl/stream-joined.ts';
import { StreamsBuilder } from '../../src/dsl/streams-builder.ts';
import { Serdes } from '../../src/serdes/serdes.ts';
import type { Topology } from '../../src/topology/topology.ts';

export interface Order {
  readonly id: string;
  readonly customerId: string;
  readonly amount: number;
}

export interface Customer {
  readonly name: string;
  readonly tier: 'gold' | 'standard';
}

export interface Payment {
  readonly orderId: string;
  readonly amount: number;
}

export const ORDERS_TOPIC = 'shop-orders';
export const CUSTOMERS_TOPIC = 'shop-customers';
export const PAYMENTS_TOPIC = 'shop-payments';
export const ENRICHED_TOPIC = 'shop-orders-enriched';
export const PAID_TOPIC = 'shop-orders-paid';
export const CUSTOMERS_STORE = 'customers';

const HOUR = 3_600_000;

export function buildOrderEnrichmentTopology(): Topology {
  const builder = new StreamsBuilder();
  const customers = builder.table(
    CUSTOMERS_TOPIC,
    Consumed.with(Serdes.String(), Serdes.JSON<Customer>()),
    Materialized.as(CUSTOMERS_STORE),
  );
  const orders = builder.stream(ORDERS_TOPIC, Consumed.with(Serdes.String(), Serdes.JSON<Order>()));

  orders
    .selectKey((_orderId, order) => order.customerId)
    .leftJoin(
      customers,
      (order, customer) => ({
        orderId: order.id,
        amount: order.amount,
        customer: customer?.name ?? null,
        tier: customer?.tier ?? null,
      }),
      Joined.with(Serdes.String(), Serdes.JSON<Order>(), Serdes.JSON<Customer>()).withName('orders-by-customer'),
    )
    .to(ENRICHED_TOPIC, Produced.with(Serdes.String(), Serdes.JSON()));

  const payments = builder.stream(PAYMENTS_TOPIC, Consumed.with(Serdes.String(), Serdes.JSON<Payment>()));
  orders
    .join(
      payments,
      (order, payment) => ({ orderId: order.id, due: order.amount, paid: payment.amount }),
      // A payment counts when it comes within an hour after its order (never before it).
      JoinWindows.ofTimeDifferenceAndGrace(HOUR, 60_000).before(0),
      StreamJoined.with(Serdes.String(), Serdes.JSON<Order>(), Serdes.JSON<Payment>())
        .withName('order-payments')
        .withStoreName('order-payments'),
    )
    .to(PAID_TOPIC, Produced.with(Serdes.String(), Serdes.JSON()));
  return builder.build();
}
