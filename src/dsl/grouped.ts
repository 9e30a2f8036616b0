/**
 * How a stream is grouped (Java's `Grouped`): the serdes of the repartition topic and its name
 * (`<application.id>-<name>-repartition`). Plain object or chained: `Grouped.with(k, v).withName('by-user')`.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { validateName } from './named.ts';

export interface Grouped<K, V> {
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly name?: string;
}

/** The chainable form returned by the `Grouped` factories. */
export class GroupedBuilder<K, V> implements Grouped<K, V> {
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly name?: string;

  constructor(options: Grouped<K, V>) {
    Object.assign(this, options);
  }

  withKeySerde<K2>(keySerde: SerdeLike<K2>): GroupedBuilder<K2, V> {
    return new GroupedBuilder<K2, V>({ ...(this as Grouped<never, V>), keySerde });
  }

  withValueSerde<V2>(valueSerde: SerdeLike<V2>): GroupedBuilder<K, V2> {
    return new GroupedBuilder<K, V2>({ ...(this as Grouped<K, never>), valueSerde });
  }

  withName(name: string): GroupedBuilder<K, V> {
    return new GroupedBuilder<K, V>({ ...this, name: validateName(name, 'repartition topic') });
  }
}

/** Without type arguments the result fits any Grouped<K, V>; give them (`Grouped.as<string, Order>(...)`) to pin it. */
function groupedAs(name: string): GroupedBuilder<never, never>;
function groupedAs<K, V>(name: string): GroupedBuilder<K, V>;
function groupedAs(name: string): GroupedBuilder<unknown, unknown> {
  return new GroupedBuilder({ name: validateName(name, 'repartition topic') });
}

export const Grouped = {
  with<K, V>(keySerde: SerdeLike<K> | undefined, valueSerde: SerdeLike<V> | undefined): GroupedBuilder<K, V> {
    return new GroupedBuilder({ keySerde, valueSerde });
  },
  as: groupedAs,
} as const;
