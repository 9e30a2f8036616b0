/** How a stream or table is read (Java's `Consumed`): serdes, timestamp extractor, source node name. */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import type { TimestampExtractor } from '../processor/timestamp-extractor.ts';
import { validateName } from './named.ts';

export interface Consumed<K, V> {
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly timestampExtractor?: TimestampExtractor;
  /** Name of the source node. */
  readonly name?: string;
}

/** Without type arguments the result fits any Consumed<K, V>; give them (`Consumed.as<string, Order>(...)`) to pin it. */
function consumedAs(name: string): Consumed<never, never>;
function consumedAs<K, V>(name: string): Consumed<K, V>;
function consumedAs(name: string): Consumed<unknown, unknown> {
  return { name: validateName(name, 'source') };
}

/** Without type arguments the result fits any Consumed<K, V>; give them (`Consumed.withTimestampExtractor<string, Order>(...)`) to pin it. */
function consumedWithTimestampExtractor(timestampExtractor: TimestampExtractor): Consumed<never, never>;
function consumedWithTimestampExtractor<K, V>(timestampExtractor: TimestampExtractor): Consumed<K, V>;
function consumedWithTimestampExtractor(timestampExtractor: TimestampExtractor): Consumed<unknown, unknown> {
  return { timestampExtractor };
}

export const Consumed = {
  with<K, V>(keySerde: SerdeLike<K> | undefined, valueSerde: SerdeLike<V> | undefined): Consumed<K, V> {
    return { keySerde, valueSerde };
  },
  as: consumedAs,
  withTimestampExtractor: consumedWithTimestampExtractor,
} as const;
