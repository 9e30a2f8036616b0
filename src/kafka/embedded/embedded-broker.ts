import {
  type Admin,
  type Fetcher,
  type FetcherOptions,
  type GroupMemberOptions,
  type KafkaBackend,
  KafkaBackendError,
  type Producer,
  type ProducerOptions,
  type TopicPartition,
  UnknownTopicError,
} from '../backend.ts';
import { EmbeddedAdmin } from './embedded-admin.ts';
import { EmbeddedFetcher } from './embedded-fetcher.ts';
import { EmbeddedGroupMember } from './embedded-group-member.ts';
import { EmbeddedProducer } from './embedded-producer.ts';
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
 * An in-process, in-memory Kafka broker behind the same seam as a real cluster: topics and partitions, offsets,
 * CreateTime/LogAppendTime timestamps, headers, DeleteRecords, compaction of `cleanup.policy=compact` topics
 * (applied when read), consumer groups with Kafka's classic join/sync protocol, session timeouts and static
 * membership, and transactions with read_committed visibility and producer fencing. Topics are never
 * auto-created: producing to or fetching from a missing topic fails with {@link UnknownTopicError}.
 *
 * Several applications in one process may share one broker (each creates its own clients). `close()` closes
 * the clients created so far but keeps the data: topics, committed offsets and groups survive, so an
 * application restarted on the same broker finds them, as it would on a real cluster.
 *
 * As with the real backend, a subscribed topic that appears or disappears does not by itself start a rebalance
 * (a Java consumer's leader would notice at its next metadata refresh); a member calls requestRejoin() for that.
 *
 * Background timers (heartbeats, session and transaction timeouts) are unref'd: a forgotten broker does not
 * keep the process alive.
 */
export class EmbeddedBroker implements KafkaBackend {
  readonly kind = 'embedded' as const;
  readonly admin: Admin;
  /** The broker id partition descriptions name as leader and replica. */
  readonly nodeId = 0;
  /** @internal */
  readonly topics = new Map<string, EmbeddedTopic>();
  /** @internal */
  readonly groups = new Map<string, GroupCoordinator>();
  /** @internal */
  readonly transactions: TransactionCoordinator;
  /** @internal */
  readonly settings: Required<EmbeddedBrokerOptions>;
  private readonly clients = new Set<EmbeddedClient>();

  constructor(options: EmbeddedBrokerOptions = {}) {
    this.settings = {
      groupMinSessionTimeoutMs: options.groupMinSessionTimeoutMs ?? 6_000,
      groupMaxSessionTimeoutMs: options.groupMaxSessionTimeoutMs ?? 1_800_000,
    };
    this.transactions = new TransactionCoordinator(
      () => this.now(),
      (groupId, offsets) => this.group(groupId).storeOffsets(offsets),
    );
    this.admin = new EmbeddedAdmin(this);
  }

  async createProducer(options: ProducerOptions = {}): Promise<Producer> {
    return this.track(new EmbeddedProducer(this, options));
  }

  createFetcher(options: FetcherOptions = {}): Fetcher {
    return this.track(new EmbeddedFetcher(this, options));
  }

  createGroupMember(options: GroupMemberOptions): EmbeddedGroupMember {
    return this.track(new EmbeddedGroupMember(this, options));
  }

  async close(): Promise<void> {
    const clients = [...this.clients];
    this.clients.clear();
    await Promise.allSettled(clients.map((client) => client.close()));
  }

  /** @internal Wall-clock time; one place so every timestamp the broker assigns agrees. */
  now(): number {
    return Date.now();
  }

  /** @internal */
  topicOrThrow(name: string): EmbeddedTopic {
    const topic = this.topics.get(name);
    if (!topic) throw new UnknownTopicError(name);
    return topic;
  }

  /** @internal The log of one partition, or UnknownTopicError naming the topic (and the partition when out of range). */
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

  /** @internal The group's coordinator, created on first use as Kafka does. */
  group(groupId: string): GroupCoordinator {
    if (typeof groupId !== 'string' || groupId === '')
      throw new KafkaBackendError('group id must be a non-empty string');
    let group = this.groups.get(groupId);
    if (!group) this.groups.set(groupId, (group = new GroupCoordinator(groupId)));
    return group;
  }

  /** @internal */
  forget(client: EmbeddedClient): void {
    this.clients.delete(client);
  }

  private track<T extends EmbeddedClient>(client: T): T {
    this.clients.add(client);
    return client;
  }
}
