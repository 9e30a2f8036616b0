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
  readonly partitioner?: StreamPartitioner<K, V>;

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

/** Without type arguments the result fits any Repartitioned<K, V>; give them (`Repartitioned.as<string, Order>(...)`) to pin it. */
function repartitionedAs(name: string): RepartitionedBuilder<never, never>;
function repartitionedAs<K, V>(name: string): RepartitionedBuilder<K, V>;
function repartitionedAs(name: string): any {
  return new RepartitionedBuilder({ name: validateName(name, 'repartition topic') });
}

function repartitionedWithPartitions(numberOfPartitions: number): RepartitionedBuilder<never, never>;
function repartitionedWithPartitions<K, V>(numberOfPartitions: number): RepartitionedBuilder<K, V>;
function repartitionedWithPartitions(numberOfPartitions: number): any {
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
