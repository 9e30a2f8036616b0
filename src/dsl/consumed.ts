/**
 * How a stream or table is read (Java's `Consumed`): serdes, timestamp extractor, source node name. Pass a
 * plain object or chain: `Consumed.with(Serdes.String(), Serdes.JSON<Order>()).withName('orders-source')`.
 *
 * The serdes are where a source's key and value types come from: without a serde a source reads strings (the
 * runtime's fallback), so a key or value type other than `string` needs its serde here. The types below make
 * that a compile error instead of values that are silently strings at runtime.
 */
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

/** What a source without a serde reads: the string fallback gives strings, and null for a null key or value. */
export type StringLike = string | null;

/** A serde for T: optional when T is string-like (the fallback reads it), required otherwise. */
export type SerdeFor<T> = [T] extends [StringLike] ? SerdeLike<T> | undefined : SerdeLike<T>;

type SerdeRequiredUnlessString<Field extends string, T> = [T] extends [StringLike]
  ? unknown
  : { readonly [field in Field]-?: SerdeLike<T> };

/**
 * Consumed options that can read K and V: a `ConsumedBuilder` (its factories only give a type other than
 * string to the side that got a serde), or a plain object with `keySerde` when K is not string-like and
 * `valueSerde` when V is not.
 */
export type ConsumedWithSerdes<K, V> =
  | ConsumedBuilder<K, V>
  | (Consumed<K, V> & SerdeRequiredUnlessString<'keySerde', K> & SerdeRequiredUnlessString<'valueSerde', V>);

/**
 * The consumed argument of `StreamsBuilder#stream`: optional while K and V are string-like, required (with
 * serdes) otherwise. `builder.stream<string, Order>('orders')` then fails with "Expected 2 arguments, but
 * got 1" and "Arguments for the rest parameter 'consumedWithSerdesUnlessKeyAndValueAreStrings' were not
 * provided" (a conditional rest parameter is as close to a custom message as TypeScript allows).
 */
export type ConsumedArgument<K, V> = [K, V] extends [StringLike, StringLike]
  ? [consumed?: Consumed<K, V>]
  : [consumedWithSerdes: ConsumedWithSerdes<K, V>];

/** The chainable form returned by the `Consumed` factories. */
export class ConsumedBuilder<K, V> implements Consumed<K, V> {
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly timestampExtractor?: TimestampExtractor;
  readonly name?: string;

  /** Prefer the `Consumed` factories: they type K and V from the serdes given. */
  constructor(
    options: Consumed<K, V> & SerdeRequiredUnlessString<'keySerde', K> & SerdeRequiredUnlessString<'valueSerde', V>,
  ) {
    Object.assign(this, options);
  }

  withKeySerde<K2>(keySerde: SerdeLike<K2>): ConsumedBuilder<K2, V> {
    return new ConsumedBuilder<K2, V>({ ...(this as Consumed<never, V>), keySerde } as never);
  }

  withValueSerde<V2>(valueSerde: SerdeLike<V2>): ConsumedBuilder<K, V2> {
    return new ConsumedBuilder<K, V2>({ ...(this as Consumed<K, never>), valueSerde } as never);
  }

  withTimestampExtractor(timestampExtractor: TimestampExtractor): ConsumedBuilder<K, V> {
    return new ConsumedBuilder<K, V>({ ...this, timestampExtractor } as never);
  }

  withName(name: string): ConsumedBuilder<K, V> {
    return new ConsumedBuilder<K, V>({ ...this, name: validateName(name, 'source') } as never);
  }
}

export const Consumed = {
  /**
   * Reads keys and values with these serdes; the stream's types are theirs. A side left undefined reads
   * strings (or uses `default.key.serde`/`default.value.serde`, typed as string: give the serde here to type it).
   */
  with<K = string, V = string>(keySerde: SerdeFor<K>, valueSerde: SerdeFor<V>): ConsumedBuilder<K, V> {
    return new ConsumedBuilder<K, V>({ keySerde, valueSerde } as never);
  },
  /** Names the source node; keys and values are strings until `withKeySerde`/`withValueSerde`. */
  as(name: string): ConsumedBuilder<string, string> {
    return new ConsumedBuilder<string, string>({ name: validateName(name, 'source') });
  },
  /** Uses this timestamp extractor; keys and values are strings until `withKeySerde`/`withValueSerde`. */
  withTimestampExtractor(timestampExtractor: TimestampExtractor): ConsumedBuilder<string, string> {
    return new ConsumedBuilder<string, string>({ timestampExtractor });
  },
} as const;
