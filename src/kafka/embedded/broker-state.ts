import { KafkaBackendError, type TopicPartition, UnknownTopicError } from '../backend.ts';
import { GroupCoordinator } from './group-coordinator.ts';
import type { PartitionLog } from './partition-log.ts';
import type { TopicSettings } from './topic-config.ts';
import { TransactionCoordinator } from './transaction-coordinator.ts';

export interface EmbeddedBrokerOptions {
  /**
   * group.min.session.timeout.ms: the shortest session timeout a group member may ask for. Default 6000, as in
   * Kafka; tests that simulate crashed members may lower it to detect them faster.
   */
  readonly groupMinSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms. Default 1800000, as in Kafka. */
  readonly groupMaxSessionTimeoutMs?: number;
}

export interface EmbeddedTopic {
  readonly name: string;
  readonly partitions: readonly PartitionLog[];
  readonly configs: Readonly<Record<string, string>>;
  readonly settings: TopicSettings;
}

/** Something that `close()` must close: a producer, fetcher or group member. */
export interface EmbeddedClient {
  close(): Promise<void>;
}

/**
 * Everything the embedded broker holds, shared by its admin and clients and kept out of EmbeddedBroker's public
 * surface: topics and their logs, group and transaction coordinators, and the clients to close.
 */
export class BrokerState {
  /** The broker id partition descriptions name as leader and replica. */
  readonly nodeId = 0;
  readonly topics = new Map<string, EmbeddedTopic>();
  readonly groups = new Map<string, GroupCoordinator>();
  readonly transactions: TransactionCoordinator;
  readonly settings: Required<EmbeddedBrokerOptions>;
  private readonly clients = new Set<EmbeddedClient>();

  constructor(options: EmbeddedBrokerOptions) {
    this.settings = {
      groupMinSessionTimeoutMs: options.groupMinSessionTimeoutMs ?? 6_000,
      groupMaxSessionTimeoutMs: options.groupMaxSessionTimeoutMs ?? 1_800_000,
    };
    this.transactions = new TransactionCoordinator(
      () => this.now(),
      (groupId, offsets) => this.group(groupId).storeOffsets(offsets),
    );
  }

  /** Wall-clock time; one place so every timestamp the broker assigns agrees. */
  now(): number {
    return Date.now();
  }

  topicOrThrow(name: string): EmbeddedTopic {
    const topic = this.topics.get(name);
    if (!topic) throw new UnknownTopicError(name);
    return topic;
  }

  /** The log of one partition, or UnknownTopicError naming the topic (and the partition when out of range). */
  partitionLog(tp: TopicPartition): PartitionLog {
    const topic = this.topicOrThrow(tp.topic);
    const log = topic.partitions[tp.partition];
    if (!Number.isInteger(tp.partition) || !log) {
      throw new UnknownTopicError(
        tp.topic,
        `partition ${tp.partition} does not exist (the topic has ${topic.partitions.length} partitions)`,
      );
    }
    return log;
  }

  /** The group's coordinator, created on first use as Kafka does. */
  group(groupId: string): GroupCoordinator {
    if (typeof groupId !== 'string' || groupId === '')
      throw new KafkaBackendError('group id must be a non-empty string');
    let group = this.groups.get(groupId);
    if (!group) this.groups.set(groupId, (group = new GroupCoordinator(groupId)));
    return group;
  }

  track<T extends EmbeddedClient>(client: T): T {
    this.clients.add(client);
    return client;
  }

  forget(client: EmbeddedClient): void {
    this.clients.delete(client);
  }

  /** Closes every client created so far; the data stays. */
  async closeClients(): Promise<void> {
    const clients = [...this.clients];
    this.clients.clear();
    await Promise.allSettled(clients.map((client) => client.close()));
  }
}
