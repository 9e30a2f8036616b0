/**
 * The nodes a Topology is made of, as plain data (Java's `InternalTopologyBuilder` node factories). A task
 * turns them into live processor nodes, one set per task.
 */

import type { SerdeLike } from '../../processor/internals/serde-like.ts';
import type { Processor } from '../../processor/processor.ts';
import type { TimestampExtractor } from '../../processor/timestamp-extractor.ts';
import type { StoreBuilder } from '../../state/store-builder.ts';

/** Picks the topic of each record (Java's `TopicNameExtractor`). */
export type TopicNameExtractor<K = any, V = any> = (key: K, value: V, context: RecordContextInfo) => string;

export interface RecordContextInfo {
  readonly topic: string | undefined;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
}

/** Chooses a partition for a record (Java's `StreamPartitioner`); undefined falls back to murmur2 of the key. */
export type StreamPartitioner<K = any, V = any> = (
  topic: string,
  key: K,
  value: V,
  numPartitions: number,
) => number | undefined;

export interface SourceNodeDefinition {
  readonly kind: 'source';
  readonly name: string;
  /** Topic names as given (internal ones undecorated); empty when subscribed by pattern. */
  readonly topics: readonly string[];
  readonly pattern: RegExp | undefined;
  readonly keySerde: SerdeLike<any> | undefined;
  readonly valueSerde: SerdeLike<any> | undefined;
  readonly timestampExtractor: TimestampExtractor | undefined;
}

export interface ProcessorNodeDefinition {
  readonly kind: 'processor';
  readonly name: string;
  readonly parents: readonly string[];
  readonly supplier: () => Processor<any, any, any, any>;
  /** Store names connected to this processor (grows while the topology is built). */
  readonly stores: string[];
}

export interface SinkNodeDefinition {
  readonly kind: 'sink';
  readonly name: string;
  readonly parents: readonly string[];
  readonly topic: string | TopicNameExtractor;
  readonly keySerde: SerdeLike<any> | undefined;
  readonly valueSerde: SerdeLike<any> | undefined;
  readonly partitioner: StreamPartitioner | undefined;
}

export type NodeDefinition = SourceNodeDefinition | ProcessorNodeDefinition | SinkNodeDefinition;

export interface StoreDefinition {
  readonly builder: StoreBuilder;
  /** True when the name was generated (refused under `ensure.explicit.internal.resource.naming`). */
  readonly generatedName: boolean;
}

export interface RepartitionTopicDefinition {
  /** Undecorated name, e.g. `counts-store-repartition`. */
  readonly name: string;
  readonly partitions: number | undefined;
  readonly generatedName: boolean;
}
