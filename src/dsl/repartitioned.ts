/**
 * An explicit repartition (Java's `Repartitioned`): topic name, partition count, serdes, partitioner. Plain
 * object or chained: `Repartitioned.as('by-user').withNumberOfPartitions(6)`.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import type { StreamPartitioner } from '../topology/internals/node-definitions.ts';
import { validateName } from './named.ts';

export interface Repartitioned<K, V> {
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly name?: string;
  readonly numberOfPartitions?: number;
  readonly partitioner?: StreamPartitioner<K, V>;
}

/** The chainable form returned by the `Repartitioned` factories. */
export class RepartitionedBuilder<K, V> implements Repartitioned<K, V> {
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly name?: string;
  readonly numberOfPartitions?: number;
  /**
   * Typed loosely here (it was checked against K and V when given) so that `as(name)` chained with a serde,
   * e.g. `as('sink').withValueSerde(Serdes.Long())`, whose K is still `never`, fits any stream's key type.
   */
  readonly partitioner?: StreamPartitioner<any, any>;

  constructor(options: Repartitioned<K, V>) {
    Object.assign(this, options);
  }

  withKeySerde<K2>(keySerde: SerdeLike<K2>): RepartitionedBuilder<K2, V> {
    return new RepartitionedBuilder<K2, V>({ ...(this as Repartitioned<any, V>), keySerde });
  }

  withValueSerde<V2>(valueSerde: SerdeLike<V2>): RepartitionedBuilder<K, V2> {
    return new RepartitionedBuilder<K, V2>({ ...(this as Repartitioned<K, any>), valueSerde });
  }

  withName(name: string): RepartitionedBuilder<K, V> {
    return new RepartitionedBuilder<K, V>({ ...this, name: validateName(name, 'repartition topic') });
  }

  withNumberOfPartitions(numberOfPartitions: number): RepartitionedBuilder<K, V> {
    return new RepartitionedBuilder<K, V>({ ...this, numberOfPartitions });
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): RepartitionedBuilder<K, V> {
    return new RepartitionedBuilder<K, V>({ ...this, partitioner });
  }
}

/**
 * Passed straight to an operator, K and V are that stream's (inferred from where it is used); else give them
 * (`Repartitioned.as<string, Order>(...)`) to pin them.
 */
function repartitionedAs<K = never, V = never>(name: string): RepartitionedBuilder<K, V> {
  return new RepartitionedBuilder({ name: validateName(name, 'repartition topic') });
}

function repartitionedWithPartitions<K = never, V = never>(numberOfPartitions: number): RepartitionedBuilder<K, V> {
  return new RepartitionedBuilder({ numberOfPartitions });
}

export const Repartitioned = {
  with<K, V>(keySerde: SerdeLike<K> | undefined, valueSerde: SerdeLike<V> | undefined): RepartitionedBuilder<K, V> {
    return new RepartitionedBuilder({ keySerde, valueSerde });
  },
  as: repartitionedAs,
  numberOfPartitions: repartitionedWithPartitions,
  streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): RepartitionedBuilder<K, V> {
    return new RepartitionedBuilder({ partitioner });
  },
} as const;
