/**
 * How a stream is grouped (Java's `Grouped`): the serdes of the repartition topic and its name
 * (`<application.id>-<name>-repartition`).
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { validateName } from './named.ts';

export interface Grouped<K, V> {
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly name?: string;
}

/** Without type arguments the result fits any Grouped<K, V>; give them (`Grouped.as<string, Order>(...)`) to pin it. */
function groupedAs(name: string): Grouped<never, never>;
function groupedAs<K, V>(name: string): Grouped<K, V>;
function groupedAs(name: string): Grouped<unknown, unknown> {
  return { name: validateName(name, 'repartition topic') };
}

export const Grouped = {
  with<K, V>(keySerde: SerdeLike<K> | undefined, valueSerde: SerdeLike<V> | undefined): Grouped<K, V> {
    return { keySerde, valueSerde };
  },
  as: groupedAs,
} as const;
