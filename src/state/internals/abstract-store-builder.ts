/**
 * What every store builder shares (Java's `AbstractStoreBuilder`): name, supplier, serdes, changelog on/off with
 * the user's topic configs, the `default.dsl.store` switch and the caching no-ops. A concrete builder (which keeps
 * this constructor) says only which supplier kind a DSL store type means, and how to build its store.
 */
import type { SerdeLike } from '../../processor/internals/serde-like.ts';
import type { StateStore } from '../state-store.ts';
import type { DslStoreType, StoreBuilder } from '../store-builder.ts';

/** What every store supplier names: the store and how it is kept (its kind). */
export interface StoreSupplierIdentity {
  readonly name: string;
  readonly kind: string;
}

export abstract class AbstractStoreBuilder<
  K,
  V,
  Supplier extends StoreSupplierIdentity,
  S extends StateStore,
  Self extends StoreBuilder<S>,
> implements StoreBuilder<S>
{
  readonly name: string;
  readonly supplier: Supplier;
  /** True for a DSL store whose type the user did not choose: `default.dsl.store` decides (see withDslStoreType). */
  readonly followsDefaultDslStore: boolean;
  readonly loggingEnabled: boolean;
  /** The user's topic configs for the changelog (a builder may add its own defaults, see logConfig). */
  readonly userLogConfig: Readonly<Record<string, string>>;
  readonly keySerde: SerdeLike<K> | undefined;
  readonly valueSerde: SerdeLike<V> | undefined;

  constructor(
    supplier: Supplier,
    keySerde: SerdeLike<K> | undefined,
    valueSerde: SerdeLike<V> | undefined,
    loggingEnabled = true,
    logConfig: Readonly<Record<string, string>> = {},
    followsDefaultDslStore = false,
  ) {
    this.name = supplier.name;
    this.supplier = supplier;
    this.followsDefaultDslStore = followsDefaultDslStore;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.loggingEnabled = loggingEnabled;
    this.userLogConfig = logConfig;
  }

  /** The changelog's topic configs: the user's, unless a builder adds defaults. */
  get logConfig(): Readonly<Record<string, string>> {
    return this.userLogConfig;
  }

  /** A builder like this one with the given supplier, logging and DSL-default flag (same serdes). */
  private copy(
    supplier: Supplier,
    loggingEnabled: boolean,
    logConfig: Readonly<Record<string, string>>,
    followsDefaultDslStore: boolean,
  ): Self {
    // Every concrete builder keeps this constructor, so its class makes the copy.
    const Builder = this.constructor as new (
      supplier: Supplier,
      keySerde: SerdeLike<K> | undefined,
      valueSerde: SerdeLike<V> | undefined,
      loggingEnabled: boolean,
      logConfig: Readonly<Record<string, string>>,
      followsDefaultDslStore: boolean,
    ) => Self;
    return new Builder(supplier, this.keySerde, this.valueSerde, loggingEnabled, logConfig, followsDefaultDslStore);
  }

  /** The supplier kind this builder's family uses for a `default.dsl.store` value. */
  protected abstract supplierKindFor(type: DslStoreType): Supplier['kind'];

  abstract build(): S;

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): Self {
    return this.copy(this.supplier, true, config, this.followsDefaultDslStore);
  }

  withLoggingDisabled(): Self {
    return this.copy(this.supplier, false, {}, this.followsDefaultDslStore);
  }

  /** This builder with the store type `default.dsl.store` names, when the DSL chose none; otherwise itself. */
  withDslStoreType(type: DslStoreType): Self {
    if (!this.followsDefaultDslStore) return this as unknown as Self;
    const supplier: Supplier = { ...this.supplier, kind: this.supplierKindFor(type) };
    return this.copy(supplier, this.loggingEnabled, this.userLogConfig, false);
  }

  /** Accepted for compatibility: Tributary's stores do not cache (every update is forwarded). */
  withCachingEnabled(): Self {
    return this as unknown as Self;
  }

  withCachingDisabled(): Self {
    return this as unknown as Self;
  }
}
