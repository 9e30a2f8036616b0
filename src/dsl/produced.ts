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
  /**
   * Typed loosely here (it was checked against K and V when given) so that `as(name)` chained with a serde,
   * e.g. `as('sink').withValueSerde(Serdes.Long())`, whose K is still `never`, fits any stream's key type.
   */
  readonly partitioner?: StreamPartitioner<any, any>;
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

/**
 * Passed straight to an operator, K and V are that stream's (inferred from where it is used); else give them
 * (`Produced.as<string, Order>(...)`) to pin them.
 */
function producedAs<K = never, V = never>(name: string): ProducedBuilder<K, V> {
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
