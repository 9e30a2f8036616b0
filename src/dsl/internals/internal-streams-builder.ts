/**
 * Where DSL operators write their nodes (Java's `InternalStreamsBuilder`). It numbers generated names with
 * one counter, exactly as Kafka Streams does — every operator takes a number even when the user named it —
 * so the generated names, and with them `describe()`, stores and internal topics, match Java's for the same
 * program.
 */
import type { SerdeLike } from '../../processor/internals/serde-like.ts';
import type { Processor } from '../../processor/processor.ts';
import { KeyValueStoreBuilder, type KeyValueStoreSupplier } from '../../state/store-builder.ts';
import type { StreamPartitioner } from '../../topology/internals/node-definitions.ts';
import { Topology } from '../../topology/topology.ts';
import type { Materialized } from '../materialized.ts';
import { NonNullKeyFilter } from './stream-processors.ts';

const GENERATED_REPARTITION_PREFIX = /^KSTREAM.*-[0-9]{10}$/;

/** A store the DSL will create: its name (given or generated) and serdes. */
export interface StoreSpec<K, V> {
  readonly name: string;
  /** True when the user named it (Materialized.as): such stores are queryable and always materialized. */
  readonly queryable: boolean;
  readonly keySerde: SerdeLike<K> | undefined;
  readonly valueSerde: SerdeLike<V> | undefined;
  readonly loggingEnabled: boolean;
  readonly logConfig: Readonly<Record<string, string>>;
  /** The store type the user chose (Materialized.as(supplier)); undefined: default.dsl.store decides. */
  readonly supplier?: KeyValueStoreSupplier;
}

export interface RepartitionOptions {
  readonly keySerde: SerdeLike<any> | undefined;
  readonly valueSerde: SerdeLike<any> | undefined;
  readonly partitions?: number;
  readonly partitioner?: StreamPartitioner;
  /** True when the topic's name came from a generated name (refused under explicit naming). */
  readonly generatedName: boolean;
}

function pad(index: number): string {
  return String(index).padStart(10, '0');
}

export class InternalStreamsBuilder {
  readonly topology = new Topology();
  private index = 0;

  newProcessorName(prefix: string): string {
    return prefix + pad(this.index++);
  }

  newStoreName(prefix: string): string {
    return `${prefix}STATE-STORE-${pad(this.index++)}`;
  }

  /** The user's name, or a generated one; a number is used either way (Java's `orElseGenerateWithPrefix`). */
  name(given: string | undefined, prefix: string): string {
    const generated = this.newProcessorName(prefix);
    return given ?? generated;
  }

  /** `given + suffix`, or a generated name; a number is used either way (Java's `suffixWithOrElseGet`). */
  suffixed(given: string | undefined, suffix: string, prefix: string): string {
    const generated = this.newProcessorName(prefix);
    return given === undefined ? generated : given + suffix;
  }

  addProcessor(name: string, supplier: () => Processor<any, any, any, any>, ...parents: string[]): void {
    this.topology.addProcessor(name, supplier, ...parents);
  }

  /** Names a store from Materialized, generating `<prefix>STATE-STORE-<n>` when it has no name. */
  storeSpec<K, V>(
    materialized: Materialized<K, V> | undefined,
    generatedPrefix: string,
    keySerde: SerdeLike<K> | undefined,
    valueSerde: SerdeLike<V> | undefined,
  ): StoreSpec<K, V> {
    const given = materialized?.storeName;
    const name = given ?? this.newStoreName(generatedPrefix);
    return {
      name,
      queryable: given !== undefined,
      keySerde: materialized?.keySerde ?? keySerde,
      valueSerde: materialized?.valueSerde ?? valueSerde,
      loggingEnabled: materialized?.loggingEnabled ?? true,
      logConfig: materialized?.logConfig ?? {},
      supplier: materialized?.storeSupplier,
    };
  }

  addStore(spec: StoreSpec<any, any>, ...processorNames: string[]): void {
    const builder = new KeyValueStoreBuilder(
      { name: spec.name, kind: spec.supplier?.kind ?? 'in-memory' },
      spec.keySerde,
      spec.valueSerde,
      spec.loggingEnabled,
      spec.logConfig,
      spec.supplier === undefined,
    );
    this.topology.addStateStoreInternal(builder, !spec.queryable, ...processorNames);
    if (!spec.queryable) {
      this.topology.generatedInternalNames.push(`store "${spec.name}"`);
      if (spec.loggingEnabled) this.topology.generatedInternalNames.push(`changelog topic of store "${spec.name}"`);
    }
  }

  /**
   * Inserts a repartition topic after `parent` (Java's `createRepartitionedSource`): a filter dropping null
   * keys, a sink to `<prefix>-repartition` and a source reading it back. Returns the source's name.
   */
  repartition(parent: string, prefix: string, options: RepartitionOptions): string {
    const topic = prefix.endsWith('-repartition') ? prefix : `${prefix}-repartition`;
    const generatedSink = this.newProcessorName('KSTREAM-SINK-');
    const generatedFilter = this.newProcessorName('KSTREAM-FILTER-');
    const generatedSource = this.newProcessorName('KSTREAM-SOURCE-');
    const generated = GENERATED_REPARTITION_PREFIX.test(prefix);
    const sinkName = generated ? generatedSink : `${topic}-sink`;
    const filterName = generated ? generatedFilter : `${topic}-filter`;
    const sourceName = generated ? generatedSource : `${topic}-source`;
    this.topology.addRepartitionTopic({
      name: topic,
      partitions: options.partitions,
      generatedName: options.generatedName,
    });
    if (options.generatedName) this.topology.generatedInternalNames.push(`repartition topic "${topic}"`);
    this.addProcessor(filterName, () => new NonNullKeyFilter(), parent);
    this.topology.addSink(
      sinkName,
      topic,
      {
        keySerde: options.keySerde,
        valueSerde: options.valueSerde,
        partitioner: options.partitioner,
      },
      filterName,
    );
    this.topology.addSource(sourceName, topic, { keySerde: options.keySerde, valueSerde: options.valueSerde });
    return sourceName;
  }
}
