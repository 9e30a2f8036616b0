/**
 * A topology: source, processor and sink nodes connected into sub-topologies, plus the state stores the
 * processors use (Java's `Topology`). Build one with the DSL (`StreamsBuilder.build()`) or by hand with the
 * Processor API (`addSource`, `addProcessor`, `addSink`, `addStateStore`).
 */

import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { type ProcessorSupplier, supplierGet, supplierStores } from '../processor/processor.ts';
import type { TimestampExtractor } from '../processor/timestamp-extractor.ts';
import type { StoreBuilder } from '../state/store-builder.ts';
import type {
  NodeDefinition,
  ProcessorNodeDefinition,
  RepartitionTopicDefinition,
  SinkNodeDefinition,
  SourceNodeDefinition,
  StoreDefinition,
  StreamPartitioner,
  TopicNameExtractor,
} from './internals/node-definitions.ts';
import { computeSubtopologies, type SubtopologyLayout } from './internals/subtopologies.ts';
import { describeTopology, type TopologyDescription } from './topology-description.ts';

export class TopologyException extends Error {
  override name = 'TopologyException';
}

export interface SourceOptions<K = unknown, V = unknown> {
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly timestampExtractor?: TimestampExtractor;
}

export interface SinkOptions<K = unknown, V = unknown> {
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly partitioner?: StreamPartitioner<K, V>;
}

export class Topology {
  /** @internal nodes in insertion order (which is also the order children receive records). */
  readonly nodes = new Map<string, NodeDefinition>();
  /** @internal */
  readonly stores = new Map<string, StoreDefinition>();
  /** @internal repartition topics, by undecorated name. */
  readonly repartitionTopics = new Map<string, RepartitionTopicDefinition>();
  /** @internal global stores by store name: their source and processor nodes (not part of any task). */
  readonly globalStores = new Map<string, { readonly sourceName: string; readonly processorName: string }>();
  /** @internal names generated for stateful parts (checked under ensure.explicit.internal.resource.naming). */
  readonly generatedInternalNames: string[] = [];
  private readonly subscribedTopics = new Map<string, string>();

  private checkNewName(name: string): void {
    if (typeof name !== 'string' || name.length === 0) throw new TopologyException('a node needs a non-empty name');
    if (this.nodes.has(name)) throw new TopologyException(`a node named "${name}" was already added to the topology`);
  }

  private checkParents(name: string, parents: readonly string[]): void {
    if (parents.length === 0) throw new TopologyException(`node "${name}" needs at least one parent`);
    for (const parent of parents) {
      const node = this.nodes.get(parent);
      if (node === undefined)
        throw new TopologyException(`parent "${parent}" of node "${name}" is not in the topology`);
      if (node.kind === 'sink') throw new TopologyException(`sink "${parent}" cannot be the parent of node "${name}"`);
      if (parent === name) throw new TopologyException(`node "${name}" cannot be its own parent`);
    }
  }

  /** Adds a source node reading the given topics (or every topic matching a pattern). */
  addSource<K = unknown, V = unknown>(
    name: string,
    topics: string | readonly string[] | RegExp,
    options: SourceOptions<K, V> = {},
  ): this {
    this.checkNewName(name);
    const pattern = topics instanceof RegExp ? topics : undefined;
    const topicList = pattern === undefined ? (typeof topics === 'string' ? [topics] : [...(topics as string[])]) : [];
    if (pattern === undefined && topicList.length === 0) throw new TopologyException(`source "${name}" needs a topic`);
    for (const topic of topicList) {
      if (typeof topic !== 'string' || topic.length === 0) {
        throw new TopologyException(`source "${name}" has an empty topic name`);
      }
      const other = this.subscribedTopics.get(topic);
      if (other !== undefined) {
        throw new TopologyException(
          `topic "${topic}" is read by source "${other}" already; read it once and share the stream (source "${name}")`,
        );
      }
      this.subscribedTopics.set(topic, name);
    }
    const node: SourceNodeDefinition = {
      kind: 'source',
      name,
      topics: topicList,
      pattern,
      keySerde: options.keySerde,
      valueSerde: options.valueSerde,
      timestampExtractor: options.timestampExtractor,
    };
    this.nodes.set(name, node);
    return this;
  }

  /** Adds a processor; `supplier` is called once per task. Stores it declares (`stores()`) are added too. */
  addProcessor<KIn, VIn, KOut, VOut>(
    name: string,
    supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
    ...parentNames: string[]
  ): this {
    this.checkNewName(name);
    this.checkParents(name, parentNames);
    const node: ProcessorNodeDefinition = {
      kind: 'processor',
      name,
      parents: parentNames,
      supplier: () => supplierGet(supplier as () => any),
      stores: [],
    };
    this.nodes.set(name, node);
    for (const store of supplierStores(supplier)) {
      if (!this.stores.has(store.name)) this.addStateStore(store);
      this.connectProcessorAndStateStores(name, store.name);
    }
    return this;
  }

  /** Adds a sink writing to a topic, or to the topic a function picks per record. */
  addSink<K = unknown, V = unknown>(
    name: string,
    topic: string | TopicNameExtractor<K, V>,
    optionsOrParent?: SinkOptions<K, V> | string,
    ...parentNames: string[]
  ): this {
    let options: SinkOptions<K, V> = {};
    if (typeof optionsOrParent === 'string') parentNames = [optionsOrParent, ...parentNames];
    else if (optionsOrParent !== undefined) options = optionsOrParent;
    this.checkNewName(name);
    this.checkParents(name, parentNames);
    if (typeof topic === 'string' && topic.length === 0)
      throw new TopologyException(`sink "${name}" has an empty topic name`);
    const node: SinkNodeDefinition = {
      kind: 'sink',
      name,
      parents: parentNames,
      topic: topic as string | TopicNameExtractor,
      keySerde: options.keySerde,
      valueSerde: options.valueSerde,
      partitioner: options.partitioner as StreamPartitioner | undefined,
    };
    this.nodes.set(name, node);
    return this;
  }

  /** Adds a store (one instance per task) and connects it to the named processors. */
  addStateStore(builder: StoreBuilder, ...processorNames: string[]): this {
    return this.addStateStoreInternal(builder, false, ...processorNames);
  }

  /** @internal */
  addStateStoreInternal(builder: StoreBuilder, generatedName: boolean, ...processorNames: string[]): this {
    if (this.stores.has(builder.name)) throw new TopologyException(`a store named "${builder.name}" was already added`);
    this.stores.set(builder.name, { builder, generatedName });
    for (const processor of processorNames) this.connectProcessorAndStateStores(processor, builder.name);
    return this;
  }

  /**
   * Adds a global store (Java's `addGlobalStore`): every instance reads all partitions of `topic` into its own
   * copy, through `processorName` (which typically puts each record into the store). The topic is the store's
   * changelog, so the store itself is never logged. Processors of any task may read it with getStateStore.
   */
  addGlobalStore<K, V>(
    storeBuilder: StoreBuilder,
    sourceName: string,
    topic: string,
    sourceOptions: SourceOptions<K, V>,
    processorName: string,
    supplier: ProcessorSupplier<K, V, never, never>,
  ): this {
    if (this.stores.has(storeBuilder.name))
      throw new TopologyException(`a store named "${storeBuilder.name}" was already added`);
    this.addSource(sourceName, topic, sourceOptions);
    this.addProcessor(processorName, supplier, sourceName);
    const builder = storeBuilder.loggingEnabled ? storeBuilder.withLoggingDisabled() : storeBuilder;
    this.addStateStoreInternal(builder, false, processorName);
    this.globalStores.set(builder.name, { sourceName, processorName });
    return this;
  }

  /** @internal true for the nodes of global stores */
  isGlobalNode(name: string): boolean {
    for (const global of this.globalStores.values()) {
      if (global.sourceName === name || global.processorName === name) return true;
    }
    return false;
  }

  /** Gives a processor access to stores added before. */
  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): this {
    const node = this.nodes.get(processorName);
    if (node === undefined || node.kind !== 'processor') {
      throw new TopologyException(`cannot connect stores to "${processorName}": no processor has that name`);
    }
    for (const store of storeNames) {
      if (!this.stores.has(store)) {
        throw new TopologyException(`store "${store}" is not in the topology; add it with addStateStore first`);
      }
      if (!node.stores.includes(store)) node.stores.push(store);
    }
    return this;
  }

  /** @internal registers a repartition topic (undecorated name). */
  addRepartitionTopic(definition: RepartitionTopicDefinition): void {
    this.repartitionTopics.set(definition.name, definition);
  }

  /** @internal the node groups that become sub-topologies, numbered as Kafka Streams numbers them. */
  subtopologies(): SubtopologyLayout[] {
    return computeSubtopologies(this);
  }

  /** The layout of this topology, printable exactly as Kafka Streams' `TopologyDescription`, and as JSON. */
  describe(): TopologyDescription {
    return describeTopology(this);
  }
}
