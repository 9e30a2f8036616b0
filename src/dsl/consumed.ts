/**
 * How a stream or table is read (Java's `Consumed`): serdes, timestamp extractor, source node name. Pass a
 * plain object or chain: `Consumed.with(Serdes.String(), Serdes.JSON<Order>()).withName('orders-source')`.
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

/** The chainable form returned by the `Consumed` factories. */
export class ConsumedBuilder<K, V> implements Consumed<K, V> {
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly timestampExtractor?: TimestampExtractor;
  readonly name?: string;

  constructor(options: Consumed<K, V>) {
    Object.assign(this, options);
  }

  withKeySerde<K2>(keySerde: SerdeLike<K2>): ConsumedBuilder<K2, V> {
    return new ConsumedBuilder<K2, V>({ ...(this as Consumed<never, V>), keySerde });
  }

  withValueSerde<V2>(valueSerde: SerdeLike<V2>): ConsumedBuilder<K, V2> {
    return new ConsumedBuilder<K, V2>({ ...(this as Consumed<K, never>), valueSerde });
  }

  withTimestampExtractor(timestampExtractor: TimestampExtractor): ConsumedBuilder<K, V> {
    return new ConsumedBuilder<K, V>({ ...this, timestampExtractor });
  }

  withName(name: string): ConsumedBuilder<K, V> {
    return new ConsumedBuilder<K, V>({ ...this, name: validateName(name, 'source') });
  }
}

/** Without type arguments the result fits any Consumed<K, V>; give them (`Consumed.as<string, Order>(...)`) to pin it. */
function consumedAs(name: string): ConsumedBuilder<never, never>;
function consumedAs<K, V>(name: string): ConsumedBuilder<K, V>;
function consumedAs(name: string): ConsumedBuilder<unknown, unknown> {
  return new ConsumedBuilder({ name: validateName(name, 'source') });
}

function consumedWithTimestampExtractor(timestampExtractor: TimestampExtractor): ConsumedBuilder<never, never>;
function consumedWithTimestampExtractor<K, V>(timestampExtractor: TimestampExtractor): ConsumedBuilder<K, V>;
function consumedWithTimestampExtractor(timestampExtractor: TimestampExtractor): ConsumedBuilder<unknown, unknown> {
  return new ConsumedBuilder({ timestampExtractor });
}

export const Consumed = {
  with<K, V>(keySerde: SerdeLike<K> | undefined, valueSerde: SerdeLike<V> | undefined): ConsumedBuilder<K, V> {
    return new ConsumedBuilder({ keySerde, valueSerde });
  },
  as: consumedAs,
  withTimestampExtractor: consumedWithTimestampExtractor,
} as const;
