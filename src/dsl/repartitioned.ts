/** An explicit repartition (Java's `Repartitioned`): topic name, partition count, serdes, partitioner. */
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

/** Without type arguments the result fits any Repartitioned<K, V>; give them (`Repartitioned.as<string, Order>(...)`) to pin it. */
function repartitionedAs(name: string): Repartitioned<never, never>;
function repartitionedAs<K, V>(name: string): Repartitioned<K, V>;
function repartitionedAs(name: string): any {
  return { name: validateName(name, 'repartition topic') };
}

/** Without type arguments the result fits any Repartitioned<K, V>; give them (`Repartitioned.numberOfPartitions<string, Order>(...)`) to pin it. */
function repartitionedWithPartitions(numberOfPartitions: number): Repartitioned<never, never>;
function repartitionedWithPartitions<K, V>(numberOfPartitions: number): Repartitioned<K, V>;
function repartitionedWithPartitions(numberOfPartitions: number): any {
  return { numberOfPartitions };
}

export const Repartitioned = {
  with<K, V>(keySerde: SerdeLike<K> | undefined, valueSerde: SerdeLike<V> | undefined): Repartitioned<K, V> {
    return { keySerde, valueSerde };
  },
  as: repartitionedAs,
  numberOfPartitions: repartitionedWithPartitions,
  streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return { partitioner };
  },
} as const;
