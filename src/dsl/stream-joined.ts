/**
 * Options of a stream-stream join (Java's `StreamJoined`): serdes of the key and of both sides' values (for
 * the join's window stores and, when needed, its repartition topics), the processors' base name, the stores'
 * base name (`<storeName>-this-join-store`, ...; their changelogs are named after them), and whether the
 * stores log changes. Plain object or chained: `StreamJoined.with(keySerde, leftSerde, rightSerde).withStoreName('j')`.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { isWindowStoreSupplier, type WindowStoreSupplier } from '../state/window-store-builder.ts';
import { validateName } from './named.ts';

export interface StreamJoined<K, V, VO> {
  /** Base name of the join's processors (and repartition topics `<name>-left`/`<name>-right`). */
  readonly name?: string;
  /** Base name of the join's stores. */
  readonly storeName?: string;
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly otherValueSerde?: SerdeLike<VO>;
  /** Default true: the window stores log changes to changelog topics. */
  readonly loggingEnabled?: boolean;
  readonly logConfig?: Readonly<Record<string, string>>;
  /** A window store (retainDuplicates, retention = window size + grace) for this side's records. */
  readonly thisStoreSupplier?: WindowStoreSupplier;
  readonly otherStoreSupplier?: WindowStoreSupplier;
}

export class StreamJoinedBuilder<K, V, VO> implements StreamJoined<K, V, VO> {
  readonly name?: string;
  readonly storeName?: string;
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly otherValueSerde?: SerdeLike<VO>;
  readonly loggingEnabled?: boolean;
  readonly logConfig?: Readonly<Record<string, string>>;
  readonly thisStoreSupplier?: WindowStoreSupplier;
  readonly otherStoreSupplier?: WindowStoreSupplier;

  constructor(options: StreamJoined<K, V, VO>) {
    Object.assign(this, options);
  }

  withName(name: string): StreamJoinedBuilder<K, V, VO> {
    return new StreamJoinedBuilder<K, V, VO>({ ...this, name: validateName(name, 'join') });
  }

  withStoreName(storeName: string): StreamJoinedBuilder<K, V, VO> {
    return new StreamJoinedBuilder<K, V, VO>({ ...this, storeName: validateName(storeName, 'store') });
  }

  withKeySerde<K2>(keySerde: SerdeLike<K2>): StreamJoinedBuilder<K2, V, VO> {
    return new StreamJoinedBuilder<K2, V, VO>({ ...(this as StreamJoined<never, V, VO>), keySerde });
  }

  withValueSerde<V2>(valueSerde: SerdeLike<V2>): StreamJoinedBuilder<K, V2, VO> {
    return new StreamJoinedBuilder<K, V2, VO>({ ...(this as StreamJoined<K, never, VO>), valueSerde });
  }

  withOtherValueSerde<VO2>(otherValueSerde: SerdeLike<VO2>): StreamJoinedBuilder<K, V, VO2> {
    return new StreamJoinedBuilder<K, V, VO2>({ ...(this as StreamJoined<K, V, never>), otherValueSerde });
  }

  withThisStoreSupplier(thisStoreSupplier: WindowStoreSupplier): StreamJoinedBuilder<K, V, VO> {
    return new StreamJoinedBuilder<K, V, VO>({ ...this, thisStoreSupplier });
  }

  withOtherStoreSupplier(otherStoreSupplier: WindowStoreSupplier): StreamJoinedBuilder<K, V, VO> {
    return new StreamJoinedBuilder<K, V, VO>({ ...this, otherStoreSupplier });
  }

  withLoggingEnabled(logConfig: Readonly<Record<string, string>> = {}): StreamJoinedBuilder<K, V, VO> {
    return new StreamJoinedBuilder<K, V, VO>({ ...this, loggingEnabled: true, logConfig });
  }

  /** No changelogs: after a restart or a task move the join windows start empty. */
  withLoggingDisabled(): StreamJoinedBuilder<K, V, VO> {
    return new StreamJoinedBuilder<K, V, VO>({ ...this, loggingEnabled: false, logConfig: {} });
  }
}

function isStoreSupplier(value: unknown): value is WindowStoreSupplier {
  return isWindowStoreSupplier(value);
}

function streamJoinedWith<K, V, VO>(
  keySerde: SerdeLike<K> | undefined,
  valueSerde: SerdeLike<V> | undefined,
  otherValueSerde: SerdeLike<VO> | undefined,
): StreamJoinedBuilder<K, V, VO>;
/** The join's two window stores, from suppliers (`Stores.inMemoryWindowStore(name, retention, size, true)`). */
function streamJoinedWith<K = never, V = never, VO = never>(
  thisStoreSupplier: WindowStoreSupplier,
  otherStoreSupplier: WindowStoreSupplier,
): StreamJoinedBuilder<K, V, VO>;
function streamJoinedWith(a: unknown, b: unknown, c?: unknown): StreamJoinedBuilder<unknown, unknown, unknown> {
  if (isStoreSupplier(a) || isStoreSupplier(b))
    return new StreamJoinedBuilder({
      thisStoreSupplier: a as WindowStoreSupplier,
      otherStoreSupplier: b as WindowStoreSupplier,
    });
  return new StreamJoinedBuilder({
    keySerde: a as SerdeLike<unknown> | undefined,
    valueSerde: b as SerdeLike<unknown> | undefined,
    otherValueSerde: c as SerdeLike<unknown> | undefined,
  });
}

export const StreamJoined = {
  /** Serdes of the key and both sides' values, or the two window stores' suppliers (as Java's overloads). */
  with: streamJoinedWith,
  /** Names the join's stores (Java's `StreamJoined.as(storeName)`). */
  as<K = never, V = never, VO = never>(storeName: string): StreamJoinedBuilder<K, V, VO> {
    return new StreamJoinedBuilder<K, V, VO>({ storeName: validateName(storeName, 'store') });
  },
} as const;
