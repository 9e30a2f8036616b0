/**
 * Where the application's state lives (Java's `HostInfo`, `StreamsMetadata`, `KeyQueryMetadata`), learned from
 * the group assignment: every instance's `application.server` and the partitions it owns.
 */
import type { TopicPartition } from '../kafka/backend.ts';

/** An instance's `application.server`, split. */
export interface HostInfo {
  readonly host: string;
  readonly port: number;
}

export const HostInfo = {
  /** Parses "host:port" (the port after the last colon, so "[::1]:8080" works). */
  parse(endpoint: string): HostInfo {
    const colon = endpoint.lastIndexOf(':');
    return { host: endpoint.slice(0, colon), port: Number(endpoint.slice(colon + 1)) };
  },
  toString(info: HostInfo): string {
    return `${info.host}:${info.port}`;
  },
  /** Java's HostInfo.unavailable(): host "unavailable", port -1. */
  unavailable(): HostInfo {
    return { host: 'unavailable', port: -1 };
  },
} as const;

/** One instance of the application (Java's StreamsMetadata), with its standby replicas (num.standby.replicas). */
export interface StreamsMetadata {
  /** `application.server` of the instance, "host:port". */
  readonly hostInfo: string;
  readonly host: string;
  readonly port: number;
  /** The stores it holds active partitions of. */
  readonly stateStoreNames: readonly string[];
  readonly topicPartitions: readonly TopicPartition[];
  readonly standbyStateStoreNames: readonly string[];
  readonly standbyTopicPartitions: readonly TopicPartition[];
}

/** Which instance holds a key of a store (Java's KeyQueryMetadata). */
export interface KeyQueryMetadata {
  readonly activeHost: HostInfo;
  /** The instances keeping a standby replica of the key's partition (num.standby.replicas; else empty). */
  readonly standbyHosts: readonly HostInfo[];
  /** The store partition (task partition) the key belongs to, or -1 when unknown. */
  readonly partition: number;
}

export const KeyQueryMetadata = {
  /** Java's KeyQueryMetadata.NOT_AVAILABLE: no instance publishes the store (no application.server, or rebalancing). */
  NOT_AVAILABLE: Object.freeze({
    activeHost: HostInfo.unavailable(),
    standbyHosts: Object.freeze([]) as readonly HostInfo[],
    partition: -1,
  }) as KeyQueryMetadata,
} as const;
