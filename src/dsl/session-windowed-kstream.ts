/**
 * A grouped stream cut into session windows (Java's `SessionWindowedKStream`), made by
 * `groupedStream.windowedBy(SessionWindows...)`. Its aggregations produce tables keyed by `Windowed<K>`: one row
 * per key and session, updated as records extend or merge sessions (a merged-away session's row is deleted).
 * Stores are in-memory session stores kept for gap + grace (or `Materialized.withRetention`, which may not be
 * shorter), logged to a compact,delete changelog.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { longSerde } from '../serdes/primitive-serdes.ts';
import { DeferredSessionWindowedSerde, sessionWindowedSerdeFrom } from '../serdes/session-windowed-serde.ts';
import type { SessionStore } from '../state/session-store.ts';
import { SessionStoreBuilder, type SessionStoreSupplier } from '../state/session-store-builder.ts';
import type { StoreSpec } from './internals/internal-streams-builder.ts';
import type { KTableValueGetter, KTableValueGetterSupplier } from './internals/ktable-value-getter.ts';
import { type SessionMerger, SessionWindowAggregateProcessor } from './internals/session-window-aggregate-processor.ts';
import type { TableSpec } from './internals/table-processors.ts';
import { declareWindowGrace } from './internals/window-grace.ts';
import type { KGroupedStream } from './kgrouped-stream.ts';
import { KTable } from './ktable.ts';
import type { Materialized } from './materialized.ts';
import type { Named } from './named.ts';
import type { SessionWindows } from './session-windows.ts';
import type { Windowed } from './windowed.ts';

const AGGREGATE_NAME = 'KSTREAM-AGGREGATE-';
const REDUCE_NAME = 'KSTREAM-REDUCE-';

export class SessionWindowedKStream<K, V> {
  private readonly grouped: KGroupedStream<K, V>;
  private readonly windows: SessionWindows;

  /** @internal made by KGroupedStream#windowedBy(SessionWindows) */
  constructor(grouped: KGroupedStream<K, V>, windows: SessionWindows) {
    this.grouped = grouped;
    this.windows = windows;
  }

  /** Counts the records of each key and session. */
  count(materialized?: Materialized<K, number>, named?: Named): KTable<Windowed<K>, number> {
    const builder = this.grouped.builder;
    // Java burns a store name when count() gets a Materialized without a name (kept for topology compatibility).
    if (materialized !== undefined && materialized.storeName === undefined) builder.newStoreName(AGGREGATE_NAME);
    const store = builder.storeSpec<K, number>(materialized, AGGREGATE_NAME, this.grouped.keySerde, longSerde);
    return this.build(AGGREGATE_NAME, store, storeChoiceOf(materialized), named, zero, increment, sum);
  }

  /** Combines the values of each key and session with `reducer(aggregate, value)`; merged sessions are reduced too. */
  reduce(
    reducer: (aggregate: V, value: V) => V,
    materialized?: Materialized<K, V>,
    named?: Named,
  ): KTable<Windowed<K>, V> {
    const builder = this.grouped.builder;
    const store = builder.storeSpec<K, V>(materialized, REDUCE_NAME, this.grouped.keySerde, this.grouped.valueSerde);
    // Java's reduce: an aggregate starting from null, whose merger folds the older session into the newer one.
    const aggregator = (_key: K, value: V, aggregate: V): V =>
      aggregate === null || aggregate === undefined ? value : reducer(aggregate, value);
    const merger: SessionMerger<K, V> = (key, aggregate1, aggregate2) => aggregator(key, aggregate2, aggregate1);
    return this.build(
      REDUCE_NAME,
      store,
      storeChoiceOf(materialized),
      named,
      nullInitializer as () => V,
      aggregator,
      merger,
    );
  }

  /**
   * Folds the values of each key and session into an aggregate starting from `initializer()`; when a record
   * joins sessions, `sessionMerger(key, aggregate1, aggregate2)` combines their aggregates.
   */
  aggregate<VAgg>(
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
    sessionMerger: SessionMerger<K, VAgg>,
    materialized?: NoInfer<Materialized<K, VAgg>>,
    named?: Named,
  ): KTable<Windowed<K>, VAgg> {
    if (typeof initializer !== 'function' || typeof aggregator !== 'function' || typeof sessionMerger !== 'function') {
      throw new TypeError('SessionWindowedKStream#aggregate needs an initializer, an aggregator and a session merger');
    }
    const builder = this.grouped.builder;
    const store = builder.storeSpec<K, VAgg>(materialized, AGGREGATE_NAME, this.grouped.keySerde, undefined);
    return this.build(
      AGGREGATE_NAME,
      store,
      storeChoiceOf(materialized),
      named,
      initializer,
      aggregator,
      sessionMerger,
    );
  }

  private build<VAgg>(
    prefix: string,
    store: StoreSpec<K, VAgg>,
    choice: SessionStoreChoice,
    named: Named | undefined,
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
    merger: SessionMerger<K, VAgg>,
  ): KTable<Windowed<K>, VAgg> {
    const builder = this.grouped.builder;
    const windows = this.windows;
    const closeAfter = windows.inactivityGap() + windows.gracePeriodMs();
    const supplier = choice.sessionStoreSupplier;
    const retentionPeriod = supplier?.retentionPeriod ?? choice.retention ?? closeAfter;
    if (!Number.isSafeInteger(retentionPeriod) || retentionPeriod < closeAfter) {
      throw new RangeError(
        `The retention period of the session store ${store.name} must be no smaller than the session inactivity gap ` +
          `plus the grace period. Got gap=[${windows.inactivityGap()}], grace=[${windows.gracePeriodMs()}], retention=[${retentionPeriod}]`,
      );
    }
    const name = builder.name(named?.name, prefix);
    const source = this.grouped.sourceFor(store as StoreSpec<K, unknown>);
    const spec: TableSpec = { sendOldValues: false, storeName: store.name };
    builder.addProcessor(
      name,
      () => new SessionWindowAggregateProcessor<K, V, VAgg>(windows, spec, initializer, aggregator, merger),
      source,
    );
    const storeBuilder = new SessionStoreBuilder<K, VAgg>(
      { name: store.name, kind: supplier?.kind ?? 'in-memory', retentionPeriod },
      store.keySerde,
      store.valueSerde,
      store.loggingEnabled,
      store.logConfig,
      supplier === undefined, // without a supplier, default.dsl.store decides (in memory or LMDB)
    );
    builder.topology.addStateStoreInternal(storeBuilder, !store.queryable, name);
    if (!store.queryable) {
      builder.topology.generatedInternalNames.push(`store "${store.name}"`);
      if (store.loggingEnabled)
        builder.topology.generatedInternalNames.push(`changelog topic of store "${store.name}"`);
    }
    declareWindowGrace(builder, name, closeAfter);
    const keySerde: SerdeLike<Windowed<K>> =
      store.keySerde === undefined
        ? (new DeferredSessionWindowedSerde(store.keySerde) as unknown as SerdeLike<Windowed<K>>)
        : sessionWindowedSerdeFrom(store.keySerde);
    // The session store always exists, so old values can be sent whenever downstream asks.
    return new KTable<Windowed<K>, VAgg>(
      builder,
      name,
      keySerde,
      store.valueSerde,
      spec,
      () => {
        spec.sendOldValues = true;
        return true;
      },
      () => sessionValueGetterSupplier<K, VAgg>(store.name),
    );
  }
}

/**
 * How joins read a session table's row (Java's `KTableSessionWindowValueGetter`): the aggregate of exactly
 * that session, stamped with the session's end.
 */
function sessionValueGetterSupplier<K, V>(storeName: string): KTableValueGetterSupplier<Windowed<K>, V> {
  return {
    storeNames: [storeName],
    get(): KTableValueGetter<Windowed<K>, V> {
      let store: SessionStore<K, V>;
      return {
        init(context) {
          store = context.getStateStore<SessionStore<K, V>>(storeName);
        },
        get(windowedKey) {
          const { start, end } = windowedKey.window;
          const value = store.fetchSession(windowedKey.key, start, end);
          return value === undefined || value === null ? undefined : { value, timestamp: end };
        },
      };
    },
  };
}

/** What the user chose for the session store: a retention, or a whole supplier (`Stores.persistentSessionStore`). */
interface SessionStoreChoice {
  readonly retention?: number;
  readonly sessionStoreSupplier?: SessionStoreSupplier;
}

function storeChoiceOf(materialized: SessionStoreChoice | undefined): SessionStoreChoice {
  return { retention: materialized?.retention, sessionStoreSupplier: materialized?.sessionStoreSupplier };
}

function zero(): number {
  return 0;
}

function increment(_key: unknown, _value: unknown, count: number): number {
  return count + 1;
}

function sum(_key: unknown, a: number, b: number): number {
  return a + b;
}

function nullInitializer(): null {
  return null;
}
