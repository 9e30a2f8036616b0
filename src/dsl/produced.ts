/**
 * How a stream is written (Java's `Produced`): serdes, partitioner, sink node name. Plain object or chained:
 * `Produced.with(Serdes.String(), Serdes.Long()).withName('counts-sink')`.
 */
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

/** The chainable form returned by the `Produced` factories. */
export class ProducedBuilder<K, V> implements Produced<K, V> {
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly partitioner?: StreamPartitioner<K, V>;
  readonly name?: string;

  constructor(options: Produced<K, V>) {
    Object.assign(this, options);
  }

  withKeySerde<K2>(keySerde: SerdeLike<K2>): ProducedBuilder<K2, V> {
    return new ProducedBuilder<K2, V>({ ...(this as Produced<any, V>), keySerde });
  }

  withValueSerde<V2>(valueSerde: SerdeLike<V2>): ProducedBuilder<K, V2> {
    return new ProducedBuilder<K, V2>({ ...(this as Produced<K, any>), valueSerde });
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): ProducedBuilder<K, V> {
    return new ProducedBuilder<K, V>({ ...this, partitioner });
  }

  withName(name: string): ProducedBuilder<K, V> {
    return new ProducedBuilder<K, V>({ ...this, name: validateName(name, 'sink') });
  }
}

/** Without type arguments the result fits any Produced<K, V>; give them (`Produced.as<string, Order>(...)`) to pin it. */
function producedAs(name: string): ProducedBuilder<never, never>;
function producedAs<K, V>(name: string): ProducedBuilder<K, V>;
function producedAs(name: string): any {
  return new ProducedBuilder({ name: validateName(name, 'sink') });
}

export const Produced = {
  with<K, V>(keySerde: SerdeLike<K> | undefined, valueSerde: SerdeLike<V> | undefined): ProducedBuilder<K, V> {
    return new ProducedBuilder({ keySerde, valueSerde });
  },
  as: producedAs,
  streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): ProducedBuilder<K, V> {
    return new ProducedBuilder({ partitioner });
  },
} as const;
