/** How a stream is written (Java's `Produced`): serdes, partitioner, sink node name. */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import type { StreamPartitioner } from '../topology/internals/node-definitions.ts';
import { validateName } from './named.ts';

export interface Produced<K, V> {
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly partitioner?: StreamPartitioner<K, V>;
  /** Name of the sink node. */
  readonly name?: string;
}

/** Without type arguments the result fits any Produced<K, V>; give them (`Produced.as<string, Order>(...)`) to pin it. */
function producedAs(name: string): Produced<never, never>;
function producedAs<K, V>(name: string): Produced<K, V>;
function producedAs(name: string): any {
  return { name: validateName(name, 'sink') };
}

export const Produced = {
  with<K, V>(keySerde: SerdeLike<K> | undefined, valueSerde: SerdeLike<V> | undefined): Produced<K, V> {
    return { keySerde, valueSerde };
  },
  as: producedAs,
  streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return { partitioner };
  },
} as const;
