/**
 * How a table is stored (Java's `Materialized`): store name (which also names its changelog
 * `<application.id>-<store>-changelog`), serdes, and whether changes are logged.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { validateName } from './named.ts';

export interface Materialized<K, V> {
  readonly storeName?: string;
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  /** Default true: changes go to a compacted changelog topic. */
  readonly loggingEnabled?: boolean;
  readonly logConfig?: Readonly<Record<string, string>>;
}

/** Without type arguments the result fits any Materialized<K, V>; give them (`Materialized.as<string, Order>(...)`) to pin it. */
function materializedAs(storeName: string): Materialized<never, never>;
function materializedAs<K, V>(storeName: string): Materialized<K, V>;
function materializedAs(storeName: string): Materialized<unknown, unknown> {
  return { storeName: validateName(storeName, 'store') };
}

export const Materialized = {
  as: materializedAs,
  with<K, V>(keySerde: SerdeLike<K> | undefined, valueSerde: SerdeLike<V> | undefined): Materialized<K, V> {
    return { keySerde, valueSerde };
  },
} as const;
