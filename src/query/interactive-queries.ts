/**
 * The part of KafkaStreams that answers interactive queries: finds the local instances of a store in the
 * stream threads' tasks, checks names, types and readiness (with Kafka Streams' exceptions), and reads the
 * group assignment's `partitionsByHost` to say which instance owns which key. KafkaStreams delegates its
 * `store`, `streamsMetadataForStore`, `queryMetadataForKey` and `metadataForAllStreamsClients` here; the
 * QueryServer uses the same object to route HTTP queries.
 */
import { type TopicPartition, topicPartitionKey } from '../kafka/backend.ts';
import { partitionForKey } from '../kafka/partitioner.ts';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { resolveSerde } from '../processor/internals/serde-resolution.ts';
import type { BuiltTopology } from '../processor/internals/task-contract.ts';
import type { KafkaStreamsState } from '../runtime/kafka-streams-state.ts';
import type { SubtopologySources } from '../runtime/task-layout.ts';
import type { Serializer } from '../serdes/serde.ts';
import type { LocalStores } from './composite-read-only-stores.ts';
import {
  InvalidStateStoreException,
  InvalidStateStorePartitionException,
  StreamsNotStartedException,
  UnknownStateStoreException,
} from './invalid-state-store-exception.ts';
import { STORE_KIND_NAMES, type StoreKind, storeKeySerde, storeKindOf } from './store-kind.ts';
import type { StoreQueryParameters } from './store-query-parameters.ts';
import { HostInfo, KeyQueryMetadata, type StreamsMetadata } from './streams-metadata.ts';

/** What a stream thread offers to queries (StreamThread implements it). */
export interface QueryableThread {
  state(): string;
  isAlive(): boolean;
  /** Partitions per `application.server`, from the thread's latest assignment. */
  partitionsByHost(): Readonly<Record<string, readonly string[]>>;
  /** Input partitions of standby tasks per `application.server` (num.standby.replicas), if the thread knows them. */
  standbyPartitionsByHost?(): Readonly<Record<string, readonly string[]>>;
  /** The instances of store `name` in the thread's tasks: processing ones, or with `stale` every one. */
  storesForQuery(name: string, stale: boolean): { partition: number; store: unknown }[];
}

export interface InteractiveQueriesSource {
  state(): KafkaStreamsState;
  threads(): readonly QueryableThread[];
  globalStore(name: string): unknown;
  readonly topology: BuiltTopology;
  /** Sub-topologies with patterns resolved, once started (else empty). */
  subtopologies(): readonly SubtopologySources[];
  /** Partition counts of the source and internal topics, once started (else empty). */
  partitionCounts(): ReadonlyMap<string, number>;
  /** `application.server`, or ''. */
  readonly applicationServer: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** A serializer function or a serde, for queryMetadataForKey. */
export type KeySerializerLike<K> = Serializer<K> | SerdeLike<K>;

const QUERYABLE_STATES = new Set(['RUNNING', 'REBALANCING']);

export class InteractiveQueries {
  readonly #source: InteractiveQueriesSource;
  readonly #keySerdes = new Map<string, SerdeLike<unknown>>();
  /** The topology's store names (fixed once built). */
  #knownStores: string[] | undefined;

  constructor(source: InteractiveQueriesSource) {
    this.#source = source;
  }

  /** Names of the stores a query may name: the tasks' stores and the global stores, sorted. */
  knownStores(): string[] {
    this.#knownStores ??= this.#listStores();
    return this.#knownStores;
  }

  #listStores(): string[] {
    const names = new Set<string>();
    for (const subtopology of this.#source.topology.subtopologies)
      for (const store of subtopology.stores) names.add(store);
    for (const global of this.#source.topology.globalStores ?? []) names.add(global.storeName);
    return [...names].sort();
  }

  isGlobal(name: string): boolean {
    return (this.#source.topology.globalStores ?? []).some((g) => g.storeName === name);
  }

  /** This instance's `application.server` ('' when not set). */
  thisHost(): string {
    return this.#source.applicationServer;
  }

  /** Throws unless the client is RUNNING or REBALANCING, and unless the store name is known. */
  checkQueryable(name: string): void {
    const state = this.#source.state();
    if (state === 'CREATED') {
      throw new StreamsNotStartedException(
        `KafkaStreams has not been started; call start() before querying store "${name}"`,
      );
    }
    if (!QUERYABLE_STATES.has(state)) {
      throw new InvalidStateStoreException(
        `KafkaStreams is not running (state ${state}); store "${name}" cannot be queried`,
        false,
      );
    }
    const known = this.knownStores();
    if (!known.includes(name)) throw new UnknownStateStoreException(name, this.knownStores());
  }

  /** Local instances of a store, with the checks of Java's StreamThreadStateStoreProvider. */
  instances(
    name: string,
    stale: boolean,
    partition?: number,
    allowNone = false,
  ): { partition: number; store: unknown }[] {
    this.checkQueryable(name);
    if (this.isGlobal(name)) {
      const store = this.#source.globalStore(name);
      if (store === undefined) throw new InvalidStateStoreException(`global store "${name}" is not ready yet; retry`);
      return [{ partition: 0, store }];
    }
    const threads = this.#source.threads().filter((t) => t.isAlive());
    if (!stale) {
      const busy = threads.find((t) => t.state() !== 'RUNNING');
      if (busy !== undefined) {
        throw new InvalidStateStoreException(
          `store "${name}" is not queryable now: a stream thread is ${busy.state()}, not RUNNING (rebalancing or restoring); retry, or enableStaleStores()`,
        );
      }
    }
    let found = threads.flatMap((t) => t.storesForQuery(name, stale));
    if (partition !== undefined) {
      const count = this.partitionCount(name);
      if (count !== undefined && partition >= count) {
        throw new InvalidStateStorePartitionException(
          `store "${name}" has partitions 0..${count - 1}; partition ${partition} does not exist`,
        );
      }
      found = found.filter((f) => f.partition === partition);
      if (found.length === 0) {
        throw new InvalidStateStoreException(
          `partition ${partition} of store "${name}" is not on this instance (it may have migrated to another instance; see queryMetadataForKey); retry`,
        );
      }
    }
    if (found.length === 0 && !allowNone) {
      throw new InvalidStateStoreException(
        `store "${name}" has no partition on this instance right now (it may have migrated to another instance; see queryMetadataForKey); retry`,
      );
    }
    return found.sort((a, b) => a.partition - b.partition);
  }

  /** The kind of a store, from one local instance (stale ones too); undefined when none is local. */
  storeKind(name: string): StoreKind | undefined {
    const instance = this.#anyInstance(name);
    return instance === undefined ? undefined : storeKindOf(instance);
  }

  #anyInstance(name: string): unknown {
    if (this.isGlobal(name)) return this.#source.globalStore(name);
    for (const thread of this.#source.threads()) {
      const [first] = thread.storesForQuery(name, true);
      if (first !== undefined) return first.store;
    }
    return undefined;
  }

  /** The key serde a local instance of the store reports (see storeKeySerde), if any. */
  #storeKeySerde(name: string): SerdeLike<unknown> | undefined {
    const known = this.#keySerdes.get(name);
    if (known !== undefined) return known;
    const instance = this.#anyInstance(name);
    const serde = instance === undefined ? undefined : storeKeySerde(instance);
    if (serde !== undefined) this.#keySerdes.set(name, serde);
    return serde;
  }

  /** The store's key serde (from a local instance), else `default.key.serde` (strings when unset). */
  keySerde(name: string): SerdeLike<unknown> {
    const serde = this.#storeKeySerde(name);
    if (serde !== undefined) return serde;
    return resolveSerde<unknown>(
      undefined,
      this.#source.config,
      'key',
      `store "${name}"`,
      'pass Materialized.with(keySerde, valueSerde)',
    );
  }

  /** A view of the store's current local instances, as QueryableStoreTypes views read them. */
  localStores(name: string, stale: boolean, partition?: number, allowNone = false): LocalStores {
    return {
      storeName: name,
      instances: () => this.instances(name, stale, partition, allowNone).map((i) => i.store),
      serializeKey: (key) => this.keySerde(name).serializer(name, key) ?? Buffer.alloc(0),
    };
  }

  /** KafkaStreams#store. */
  store<T>(parameters: StoreQueryParameters<T>): T {
    const name = parameters.storeName;
    this.checkQueryable(name);
    const type = parameters.queryableStoreType;
    const instance = this.#anyInstance(name);
    if (instance !== undefined) {
      const kind = storeKindOf(instance);
      if (!type.accepts(kind)) {
        throw new InvalidStateStoreException(
          `store "${name}" is a ${STORE_KIND_NAMES[kind]}; QueryableStoreTypes.${type.name}() does not accept it` +
            (kind === 'other' ? '' : ` (use QueryableStoreTypes.${STORE_KIND_NAMES[kind]}())`),
          false,
        );
      }
    }
    return type.create(this.localStores(name, parameters.staleStoresEnabled, parameters.partition));
  }

  // ------------------------------------------------------------------------------------------ metadata

  #sourceTopicsOf(name: string): readonly string[] {
    const subtopology = this.#source.topology.subtopologies.find((s) => s.stores.includes(name));
    if (subtopology === undefined) return [];
    return this.#source.subtopologies().find((s) => s.id === subtopology.id)?.sourceTopics ?? subtopology.sourceTopics;
  }

  /** Tasks (= store partitions) of the store's sub-topology; undefined before start or for global stores. */
  partitionCount(name: string): number | undefined {
    const counts = this.#source.partitionCounts();
    let count = 0;
    for (const topic of this.#sourceTopicsOf(name)) count = Math.max(count, counts.get(topic) ?? 0);
    return count > 0 ? count : undefined;
  }

  /** The store partition a key belongs to: murmur2 of its serialized bytes, as the producer partitions. */
  partitionOfKey(name: string, keyBytes: Buffer): number | undefined {
    const count = this.partitionCount(name);
    return count === undefined ? undefined : partitionForKey(keyBytes, count);
  }

  #partitionsByHost(): Readonly<Record<string, readonly string[]>> {
    const thread = this.#source.threads().find((t) => t.isAlive());
    return thread?.partitionsByHost() ?? {};
  }

  #standbyPartitionsByHost(): Readonly<Record<string, readonly string[]>> {
    const thread = this.#source.threads().find((t) => t.isAlive());
    return thread?.standbyPartitionsByHost?.() ?? {};
  }

  /** The `application.server`s keeping a standby of partition `partition` of the store. */
  standbyHostsOf(name: string, partition: number): string[] {
    const wanted = new Set(this.#sourceTopicsOf(name).map((topic) => topicPartitionKey({ topic, partition })));
    return Object.entries(this.#standbyPartitionsByHost())
      .filter(([, partitions]) => partitions.some((p) => wanted.has(p)))
      .map(([host]) => host);
  }

  /** The `application.server` owning partition `partition` of the store, if the assignment says. */
  hostOf(name: string, partition: number): string | undefined {
    const wanted = new Set(this.#sourceTopicsOf(name).map((topic) => topicPartitionKey({ topic, partition })));
    for (const [host, partitions] of Object.entries(this.#partitionsByHost())) {
      if (partitions.some((p) => wanted.has(p))) return host;
    }
    return undefined;
  }

  metadataForAllStreamsClients(): StreamsMetadata[] {
    const topology = this.#source.topology;
    const storesOf = (topicPartitions: readonly TopicPartition[], standby: boolean) => {
      const topics = new Set(topicPartitions.map((tp) => tp.topic));
      const stores = new Set<string>();
      for (const subtopology of topology.subtopologies) {
        const sources =
          this.#source.subtopologies().find((s) => s.id === subtopology.id)?.sourceTopics ?? subtopology.sourceTopics;
        if (!sources.some((t) => topics.has(t))) continue;
        // A standby keeps only the logged stores (the others have no changelog to follow).
        for (const store of subtopology.stores) if (!standby || subtopology.changelogs.has(store)) stores.add(store);
      }
      return stores;
    };
    const standbyByHost = this.#standbyPartitionsByHost();
    const activeByHost = this.#partitionsByHost();
    const hosts = [...new Set([...Object.keys(activeByHost), ...Object.keys(standbyByHost)])];
    return hosts.map((hostInfo) => {
      const topicPartitions = (activeByHost[hostInfo] ?? []).map(parseTopicPartition);
      const standbyTopicPartitions = (standbyByHost[hostInfo] ?? []).map(parseTopicPartition);
      const stores = storesOf(topicPartitions, false);
      for (const global of topology.globalStores ?? []) stores.add(global.storeName);
      const { host, port } = HostInfo.parse(hostInfo);
      return {
        hostInfo,
        host,
        port,
        stateStoreNames: [...stores].sort(),
        topicPartitions,
        standbyStateStoreNames: [...storesOf(standbyTopicPartitions, true)].sort(),
        standbyTopicPartitions,
      };
    });
  }

  streamsMetadataForStore(name: string): StreamsMetadata[] {
    this.checkQueryable(name);
    return this.metadataForAllStreamsClients().filter((m) => m.stateStoreNames.includes(name));
  }

  queryMetadataForKey<K>(name: string, key: K, keySerializer: KeySerializerLike<K>): KeyQueryMetadata {
    this.checkQueryable(name);
    if (this.isGlobal(name)) {
      // Every instance holds all of a global store: this one answers.
      const host = this.thisHost();
      return {
        activeHost: host === '' ? HostInfo.unavailable() : HostInfo.parse(host),
        standbyHosts: [],
        partition: -1,
      };
    }
    const [topic] = this.#sourceTopicsOf(name);
    const serialize =
      typeof keySerializer === 'function' ? keySerializer : keySerializer.serializer.bind(keySerializer);
    const bytes = serialize(topic ?? name, key);
    if (bytes === null) throw new TypeError(`queryMetadataForKey: key of store "${name}" serialized to null`);
    const partition = this.partitionOfKey(name, bytes);
    if (partition === undefined) return KeyQueryMetadata.NOT_AVAILABLE;
    const host = this.hostOf(name, partition);
    if (host === undefined) return KeyQueryMetadata.NOT_AVAILABLE;
    const standbyHosts = this.standbyHostsOf(name, partition).map((h) => HostInfo.parse(h));
    return { activeHost: HostInfo.parse(host), standbyHosts, partition };
  }
}

function parseTopicPartition(key: string): TopicPartition {
  const dash = key.lastIndexOf('-');
  return { topic: key.slice(0, dash), partition: Number(key.slice(dash + 1)) };
}

/** How the QueryServer reaches a KafkaStreams' InteractiveQueries without widening its public API. */
export const INTERACTIVE_QUERIES: unique symbol = Symbol('tributary.interactiveQueries');
