/**
 * The seam between Tributary and Kafka.
 *
 * Everything the engine needs from Kafka goes through {@link KafkaBackend}. Two implementations exist:
 * the real one on `@platformatic/kafka` (`src/kafka/platformatic/`), which is the only place that imports
 * a Kafka client, and the in-process {@link EmbeddedBroker} (`src/kafka/embedded/`) used when no bootstrap
 * servers are configured. One contract suite (`src/kafka/backend.contract.ts`) runs against both.
 *
 * Conventions:
 * - Offsets and timestamps are JS numbers (milliseconds / int64 offsets; both stay far below 2^53).
 * - Keys, values and header values are raw bytes (`Buffer`) or `null`; serdes live above the seam.
 * - Every produced record names its partition: partitioning (Java's murmur2) happens above the seam,
 *   in `partitioner.ts`, so both backends place keys identically.
 * - Every failure is a {@link KafkaBackendError} subclass whose message names the thing (topic, address,
 *   group, config key).
 */

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: number;
}

export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/** A record to produce. `partition` is required: the caller partitions (see partitioner.ts). */
export interface ProducerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Epoch milliseconds; defaults to the time of the send. */
  readonly timestamp?: number;
  readonly headers?: readonly RecordHeader[];
}

export interface RecordMetadata extends TopicPartition {
  readonly offset: number;
  readonly timestamp: number;
}

/** A record as fetched from one partition. */
export interface ConsumedRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

/** The records one fetch returned for one partition, in offset order. */
export interface FetchedBatch extends TopicPartition {
  readonly records: readonly ConsumedRecord[];
  /** The partition's high watermark (or last stable offset under read_committed) at fetch time. */
  readonly highWatermark: number;
}

// ------------------------------------------------------------------------------------------------ admin

export interface NewTopic {
  readonly name: string;
  readonly partitions: number;
  /** Defaults to the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** Topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface PartitionDescription {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface TopicDescription {
  readonly name: string;
  readonly partitions: readonly PartitionDescription[];
}

/** Which offset to list: the log start, the end (next offset to be written), or the first at/after a time. */
export type OffsetSpec = 'earliest' | 'latest' | { readonly timestamp: number };

export interface ListOffsetsRequest extends TopicPartition {
  readonly spec: OffsetSpec;
}

export interface ListedOffset extends TopicPartition {
  /** -1 when no record has a timestamp at or after the requested time. */
  readonly offset: number;
  readonly timestamp: number;
}

export interface GroupListing {
  readonly groupId: string;
  readonly protocolType: string;
  readonly state: string;
}

export interface GroupMemberDescription {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly host: string;
  /** The partitions this member was assigned in the current generation. */
  readonly assignment: readonly TopicPartition[];
}

export interface GroupDescription {
  readonly groupId: string;
  /** Kafka's state names: 'Empty', 'Stable', 'PreparingRebalance', 'CompletingRebalance', 'Dead'. */
  readonly state: string;
  readonly protocolType: string;
  readonly protocol: string;
  readonly members: readonly GroupMemberDescription[];
}

export interface Admin {
  /** Creates topics. With `ifNotExists`, an existing topic is not an error (its settings are not checked). */
  createTopics(topics: readonly NewTopic[], options?: { ifNotExists?: boolean }): Promise<void>;
  deleteTopics(names: readonly string[]): Promise<void>;
  /** Throws {@link UnknownTopicError} naming the first missing topic. */
  describeTopics(names: readonly string[]): Promise<TopicDescription[]>;
  /** All topic names, internal ones (`__consumer_offsets`, ...) excluded. */
  listTopics(): Promise<string[]>;
  listOffsets(
    requests: readonly ListOffsetsRequest[],
    options?: { isolationLevel?: IsolationLevel },
  ): Promise<ListedOffset[]>;
  /** Deletes records before `offset` (Kafka's DeleteRecords); returns the new low watermarks. */
  deleteRecords(requests: readonly TopicPartitionOffset[]): Promise<TopicPartitionOffset[]>;
  listGroups(): Promise<GroupListing[]>;
  describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]>;
  /** The group's committed offsets; partitions without a commit are absent. */
  fetchCommittedOffsets(groupId: string, partitions?: readonly TopicPartition[]): Promise<TopicPartitionOffset[]>;
  deleteGroups(groupIds: readonly string[]): Promise<void>;
}

// ------------------------------------------------------------------------------------------------ produce

export interface ProducerOptions {
  readonly clientId?: string;
  /** Idempotent by default (acks=all, sequence numbers). */
  readonly idempotent?: boolean;
  /** Setting it makes a transactional producer; initTransactions happens on creation (fencing older ones). */
  readonly transactionalId?: string;
  readonly transactionTimeoutMs?: number;
  /** 'all' (-1), 1 or 0. Forced to 'all' when idempotent. */
  readonly acks?: 'all' | 0 | 1;
  readonly compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
}

/** What a transactional producer needs to commit consumed offsets inside its transaction (EOS v2 fencing). */
export interface GroupGeneration {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
}

export interface SendOptions {
  /**
   * `false`: resolve with an empty array instead of one RecordMetadata per record, for callers that only wait
   * for the acknowledgement (e.g. the record collector); saves an object per record. Default true.
   */
  readonly metadata?: boolean;
}

/**
 * Records gathered for one {@link Producer.sendBatch}, appended one by one (Kafka's RecordAccumulator): a
 * backend may encode each record into its partition's record batch at once, so that nothing per record is
 * kept until the send. Made by {@link Producer.createBatch}; sent once.
 */
export interface ProducerBatch {
  /** Appends a record; as in {@link ProducerRecord}, the caller names the partition. */
  append(
    topic: string,
    partition: number,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers?: readonly RecordHeader[],
  ): void;
  /** Records appended so far. */
  readonly count: number;
  /** The appended records, in append order (decoded again where the backend encoded them): for error reports. */
  records(): ProducerRecord[];
}

export interface Producer {
  /** Sends a batch; resolves once every record is acknowledged, with their metadata in the order given. */
  send(records: readonly ProducerRecord[], options?: SendOptions): Promise<RecordMetadata[]>;
  /** An empty batch to append records to, for {@link sendBatch}. */
  createBatch(): ProducerBatch;
  /**
   * Sends a batch made by this producer's createBatch(): what `send(batch.records(), { metadata: false })` does,
   * with the same ordering, idempotence, transaction and error behaviour.
   */
  sendBatch(batch: ProducerBatch): Promise<void>;
  beginTransaction(): Promise<void>;
  /** Adds consumed offsets (next offset to read) to the open transaction, fenced by the group's generation. */
  sendOffsetsToTransaction(offsets: readonly TopicPartitionOffset[], group: GroupGeneration): Promise<void>;
  commitTransaction(): Promise<void>;
  abortTransaction(): Promise<void>;
  close(): Promise<void>;
}

// ------------------------------------------------------------------------------------------------ fetch

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface FetcherOptions {
  readonly clientId?: string;
  readonly isolationLevel?: IsolationLevel;
  /** Where a partition starts when it was assigned without a seek. Default 'earliest'. */
  readonly autoOffsetReset?: 'earliest' | 'latest';
  readonly maxWaitMs?: number;
  readonly minBytes?: number;
  readonly maxBytes?: number;
  readonly maxPartitionBytes?: number;
}

/**
 * Fetches from an explicit set of partitions (no group). Partition positions are owned here:
 * `seek` sets them; `poll` advances them past what it returns.
 */
export interface Fetcher {
  /** Replaces the assignment. Kept partitions keep their position; new ones start per autoOffsetReset unless seeked. */
  assign(partitions: readonly TopicPartition[]): void;
  assignment(): TopicPartition[];
  seek(partition: TopicPartition, offset: number | 'earliest' | 'latest'): void;
  /** The next offset poll will return for the partition, or undefined before the first fetch resolves it. */
  position(partition: TopicPartition): number | undefined;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  paused(): TopicPartition[];
  /**
   * Fetches from the assigned, unpaused partitions. Resolves with whatever arrived (possibly nothing) within
   * `maxWaitMs`. Empty batches are omitted.
   */
  poll(maxWaitMs?: number): Promise<FetchedBatch[]>;
  close(): Promise<void>;
}

// ------------------------------------------------------------------------------------------------ groups

export interface GroupMemberSubscription {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly topics: readonly string[];
  readonly userData: Buffer;
}

export interface MemberAssignment {
  readonly partitions: readonly TopicPartition[];
  readonly userData: Buffer;
}

/** Runs on the group leader: every member's subscription in, every member's own assignment out. */
export type GroupAssignor = (input: {
  readonly members: readonly GroupMemberSubscription[];
  /** Partition counts of every subscribed topic that exists. */
  readonly topicPartitions: ReadonlyMap<string, number>;
  readonly generationId: number;
}) => Map<string, MemberAssignment> | Promise<Map<string, MemberAssignment>>;

export interface GroupMemberOptions {
  readonly groupId: string;
  readonly clientId?: string;
  /** Our own protocol name inside the 'consumer' protocol type. Default 'tributary'. */
  readonly protocolName?: string;
  readonly topics: readonly string[];
  /** Static membership (group.instance.id). */
  readonly groupInstanceId?: string;
  readonly sessionTimeoutMs?: number;
  readonly rebalanceTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Subscription userData, computed anew for every join. */
  readonly userData?: () => Buffer | Promise<Buffer>;
  readonly assignor: GroupAssignor;
  /** Awaited before the member rejoins; after it resolves the partitions are no longer owned. */
  readonly onRevoked?: (partitions: readonly TopicPartition[]) => Promise<void> | void;
  /** Awaited after every completed join with this member's own assignment. */
  readonly onAssigned?: (assignment: MemberAssignment, generation: GroupGeneration) => Promise<void> | void;
  /** A fatal error in the background membership loop (heartbeat failures are retried first). */
  readonly onError?: (error: Error) => void;
}

/**
 * One member of a consumer group running Tributary's own assignor. Rebalances are eager: all owned
 * partitions are revoked (awaited) before rejoining, then the new assignment is delivered (awaited).
 */
export interface GroupMember {
  /** Joins and resolves after the first assignment was delivered to onAssigned. */
  join(): Promise<void>;
  /** The current generation, or undefined while not a member. */
  generation(): GroupGeneration | undefined;
  /** Asks for a rebalance (e.g. subscription userData changed). */
  requestRejoin(): void;
  /** Commits offsets (next offset to read) under the current generation. Fails if fenced by a rebalance. */
  commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Leaves the group (revoking first) and stops heartbeating. Static members stay registered until session timeout, as in Kafka. */
  leave(): Promise<void>;
  /**
   * Test-only: simulates this process dying. Heartbeats stop with no revoke and no LeaveGroup, so the group
   * removes the member only after its session timeout, exactly as when a real process is killed.
   */
  crash?(): Promise<void>;
}

// ------------------------------------------------------------------------------------------------ backend

export interface KafkaBackend {
  /** 'kafka' for a real cluster, 'embedded' for the in-process broker. */
  readonly kind: 'kafka' | 'embedded';
  readonly admin: Admin;
  createProducer(options?: ProducerOptions): Promise<Producer>;
  createFetcher(options?: FetcherOptions): Fetcher;
  createGroupMember(options: GroupMemberOptions): GroupMember;
  /** Closes every client this backend created. */
  close(): Promise<void>;
}

// ------------------------------------------------------------------------------------------------ errors

export class KafkaBackendError extends Error {
  override name = 'KafkaBackendError';
}

export class UnknownTopicError extends KafkaBackendError {
  override name = 'UnknownTopicError';
  readonly topic: string;
  constructor(topic: string, detail = '') {
    super(`topic "${topic}" does not exist${detail ? `: ${detail}` : ''}`);
    this.topic = topic;
  }
}

export class TopicExistsError extends KafkaBackendError {
  override name = 'TopicExistsError';
  readonly topic: string;
  constructor(topic: string) {
    super(`topic "${topic}" already exists`);
    this.topic = topic;
  }
}

export class BrokerUnreachableError extends KafkaBackendError {
  override name = 'BrokerUnreachableError';
  readonly addresses: readonly string[];
  constructor(addresses: readonly string[], cause?: unknown) {
    super(`cannot reach Kafka at ${addresses.join(', ')}`, { cause });
    this.addresses = addresses;
  }
}

/** The producer or member was fenced (a newer producer with the same transactional id, or a newer generation). */
export class FencedError extends KafkaBackendError {
  override name = 'FencedError';
}

/** An offset commit lost to a rebalance (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS). */
export class RebalanceInProgressError extends KafkaBackendError {
  override name = 'RebalanceInProgressError';
}

export class ConfigError extends KafkaBackendError {
  override name = 'ConfigError';
  readonly key: string;
  constructor(key: string, message: string) {
    super(`config "${key}": ${message}`);
    this.key = key;
  }
}

/** Both backends refuse a new topic without a positive whole number of partitions, with the same message. */
export function checkPartitionCount(topic: NewTopic): void {
  if (!Number.isInteger(topic.partitions) || topic.partitions < 1) {
    throw new KafkaBackendError(
      `topic "${topic.name}": partitions must be a positive integer, got ${topic.partitions}`,
    );
  }
}

export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}
