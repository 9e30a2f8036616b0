import { Admin as ClientAdmin, FetchIsolationLevels, ListOffsetTimestamps } from '@platformatic/kafka';
import {
  type Admin,
  checkPartitionCount,
  type GroupDescription,
  type GroupListing,
  type IsolationLevel,
  KafkaBackendError,
  type ListedOffset,
  type ListOffsetsRequest,
  type NewTopic,
  type TopicDescription,
  TopicExistsError,
  type TopicPartition,
  type TopicPartitionOffset,
  UnknownTopicError,
} from '../backend.ts';
import { delay, quoteAll } from './cluster-client.ts';
import type { ResolvedConfig } from './config.ts';
import { flattenErrors, protocolErrorIds, toBackendError } from './errors.ts';

/** How long createTopics waits for every new partition to have a leader, so the topic is usable at once. */
const TOPIC_READY_TIMEOUT_MS = 15_000;

/** The seam's Admin on the client's Admin: mostly a translation of shapes and of errors. */
export class PlatformaticAdmin implements Admin {
  readonly #admin: ClientAdmin;
  readonly #config: ResolvedConfig;

  constructor(config: ResolvedConfig) {
    this.#config = config;
    this.#admin = new ClientAdmin({
      clientId: `${config.clientId}-admin`,
      bootstrapBrokers: [...config.bootstrapServers],
      connectTimeout: config.connectTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      retries: config.retries,
      retryDelay: config.retryDelayMs,
    });
  }

  async #run<T>(action: string, topics: readonly string[] | undefined, operation: () => Promise<T>): Promise<T> {
    if (this.#admin.closed) throw new KafkaBackendError(`${action}: the Kafka backend is closed`);
    try {
      return await operation();
    } catch (error) {
      throw toBackendError(error, this.#context(action, topics));
    }
  }

  async createTopics(topics: readonly NewTopic[], options: { ifNotExists?: boolean } = {}): Promise<void> {
    for (const topic of topics) {
      if (!topic || typeof topic.name !== 'string' || topic.name.length === 0) {
        throw new KafkaBackendError(`createTopics: every topic needs a non-empty name, got ${JSON.stringify(topic)}`);
      }
      checkPartitionCount(topic);
    }
    // One request per topic: configs apply to a whole request.
    await Promise.all(
      topics.map(async (topic) => {
        try {
          await this.#admin.createTopics({
            topics: [topic.name],
            partitions: topic.partitions,
            replicas: topic.replicationFactor ?? -1,
            configs: Object.entries(topic.configs ?? {}).map(([name, value]) => ({ name, value })),
          });
        } catch (error) {
          const ids = protocolErrorIds(error);
          if (ids.has('TOPIC_ALREADY_EXISTS')) {
            if (options.ifNotExists) return;
            throw new TopicExistsError(topic.name);
          }
          const detail = flattenErrors(error)
            .map((e) => (e as { serverErrorMessage?: string }).serverErrorMessage)
            .find(Boolean);
          const mapped = toBackendError(error, this.#context(`creating topic "${topic.name}"`, [topic.name]));
          throw detail
            ? new KafkaBackendError(`creating topic "${topic.name}" failed: ${detail}`, { cause: mapped })
            : mapped;
        }
      }),
    );
    await this.#waitForLeaders(topics.map((t) => t.name));
  }

  /** A new topic's partitions get leaders asynchronously; produce or fetch before then would fail. */
  async #waitForLeaders(names: readonly string[]): Promise<void> {
    const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
    for (;;) {
      try {
        const metadata = await this.#admin.metadata({ topics: [...names], forceUpdate: true });
        const ready = names.every((name) => {
          const topic = metadata.topics.get(name);
          return (
            topic &&
            topic.partitions.length === topic.partitionsCount &&
            topic.partitions.every((p) => p && p.leader >= 0)
          );
        });
        if (ready) return;
      } catch (error) {
        if (Date.now() > deadline) throw toBackendError(error, this.#context(`waiting for ${quoteAll(names)}`, names));
      }
      if (Date.now() > deadline) return;
      await delay(100);
    }
  }

  #context(action: string, topics?: readonly string[]) {
    return { addresses: this.#config.bootstrapServers, action, topics };
  }

  deleteTopics(names: readonly string[]): Promise<void> {
    if (names.length === 0) return Promise.resolve();
    return this.#run(`deleting topics ${quoteAll(names)}`, names, () =>
      this.#admin.deleteTopics({ topics: [...names] }),
    );
  }

  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    if (names.length === 0) return [];
    // One retry only: UNKNOWN_TOPIC_OR_PARTITION is "retriable" to the client, but a missing topic should be
    // reported at once (createTopics already waits until new topics are visible).
    const metadata = await this.#run(`describing topics ${quoteAll(names)}`, names, () =>
      this.#admin.metadata({ topics: [...names], forceUpdate: true, retries: 1 }),
    );
    return names.map((name) => {
      const topic = metadata.topics.get(name);
      if (!topic) throw new UnknownTopicError(name);
      return {
        name,
        partitions: topic.partitions.map((p, partition) => ({
          partition,
          leader: p.leader,
          replicas: [...p.replicas],
          isr: [...p.isr],
        })),
      };
    });
  }

  async listTopics(): Promise<string[]> {
    const topics = await this.#run('listing topics', undefined, () =>
      this.#admin.listTopics({ includeInternals: false }),
    );
    return topics.filter((t) => !t.startsWith('__')).sort();
  }

  async listOffsets(
    requests: readonly ListOffsetsRequest[],
    options: { isolationLevel?: IsolationLevel } = {},
  ): Promise<ListedOffset[]> {
    if (requests.length === 0) return [];
    const topics = [...new Set(requests.map((r) => r.topic))];
    // The client's listOffsets sends to whatever leader metadata names; check the topics exist first so a
    // missing one is reported by name.
    await this.describeTopics(topics);
    // Kafka rejects a ListOffsets naming a partition twice (INVALID_REQUEST): ask again in later rounds.
    const rounds: { request: ListOffsetsRequest; index: number }[][] = [];
    requests.forEach((request, index) => {
      const key = `${request.topic}\0${request.partition}`;
      let round = rounds.find((r) => !r.some((x) => `${x.request.topic}\0${x.request.partition}` === key));
      if (!round) rounds.push((round = []));
      round.push({ request, index });
    });
    const out: ListedOffset[] = new Array(requests.length);
    await Promise.all(rounds.map((round) => this.#listOffsetsRound(round, options.isolationLevel, out)));
    return out;
  }

  async #listOffsetsRound(
    round: { request: ListOffsetsRequest; index: number }[],
    isolationLevel: IsolationLevel | undefined,
    out: ListedOffset[],
  ): Promise<void> {
    const byTopic = new Map<string, { partitionIndex: number; timestamp: bigint }[]>();
    for (const { request: r } of round) {
      const timestamp =
        r.spec === 'earliest'
          ? ListOffsetTimestamps.EARLIEST
          : r.spec === 'latest'
            ? ListOffsetTimestamps.LATEST
            : BigInt(r.spec.timestamp);
      byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), { partitionIndex: r.partition, timestamp }]);
    }
    const topics = [...byTopic.keys()];
    const listed = await this.#run(`listing offsets of ${quoteAll(topics)}`, topics, () =>
      this.#admin.listOffsets({
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
        isolationLevel:
          isolationLevel === 'read_committed'
            ? FetchIsolationLevels.READ_COMMITTED
            : FetchIsolationLevels.READ_UNCOMMITTED,
      }),
    );
    const found = new Map<string, { offset: bigint; timestamp: bigint }>();
    for (const t of listed) for (const p of t.partitions) found.set(`${t.name}\0${p.partitionIndex}`, p);
    for (const { request: r, index } of round) {
      const p = found.get(`${r.topic}\0${r.partition}`);
      if (!p) throw new KafkaBackendError(`listing offsets: no answer for "${r.topic}" partition ${r.partition}`);
      out[index] = { topic: r.topic, partition: r.partition, offset: Number(p.offset), timestamp: Number(p.timestamp) };
    }
  }

  async deleteRecords(requests: readonly TopicPartitionOffset[]): Promise<TopicPartitionOffset[]> {
    if (requests.length === 0) return [];
    const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
    for (const r of requests) {
      byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), { partition: r.partition, offset: BigInt(r.offset) }]);
    }
    const topics = [...byTopic.keys()];
    const deleted = await this.#run(`deleting records of ${quoteAll(topics)}`, topics, () =>
      this.#admin.deleteRecords({ topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) }),
    );
    const out: TopicPartitionOffset[] = [];
    for (const t of deleted) {
      for (const p of t.partitions) out.push({ topic: t.name, partition: p.partition, offset: Number(p.lowWatermark) });
    }
    return out;
  }

  async listGroups(): Promise<GroupListing[]> {
    const groups = await this.#run('listing groups', undefined, () => this.#admin.listGroups());
    return [...groups.values()].map((g) => ({ groupId: g.id, protocolType: g.protocolType, state: g.state }));
  }

  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    if (groupIds.length === 0) return [];
    const groups = await this.#run(`describing groups ${quoteAll(groupIds)}`, undefined, () =>
      this.#admin.describeGroups({ groups: [...groupIds] }),
    );
    return groupIds.map((groupId) => {
      const g = groups.get(groupId);
      if (!g) return { groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
      return {
        groupId,
        state: g.state,
        protocolType: g.protocolType,
        protocol: g.protocol,
        members: [...g.members.values()].map((m) => ({
          memberId: m.id,
          groupInstanceId: m.groupInstanceId ?? null,
          clientId: m.clientId,
          host: m.clientHost,
          assignment: [...(m.assignments?.values() ?? [])].flatMap((a) =>
            a.partitions.map((partition): TopicPartition => ({ topic: a.topic, partition })),
          ),
        })),
      };
    });
  }

  async fetchCommittedOffsets(
    groupId: string,
    partitions?: readonly TopicPartition[],
  ): Promise<TopicPartitionOffset[]> {
    let request: string | { groupId: string; topics: { name: string; partitionIndexes: number[] }[] } = groupId;
    if (partitions) {
      const byTopic = new Map<string, number[]>();
      for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
      request = { groupId, topics: [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })) };
    }
    const groups = await this.#run(`fetching committed offsets of group "${groupId}"`, undefined, () =>
      this.#admin.listConsumerGroupOffsets({ groups: [request], requireStable: true }),
    );
    const out: TopicPartitionOffset[] = [];
    for (const g of groups) {
      for (const t of g.topics) {
        for (const p of t.partitions) {
          if (p.committedOffset >= 0n)
            out.push({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset) });
        }
      }
    }
    return out;
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    if (groupIds.length === 0) return;
    await this.#run(`deleting groups ${quoteAll(groupIds)}`, undefined, () =>
      this.#admin.deleteGroups({ groups: [...groupIds] }),
    );
  }

  async close(): Promise<void> {
    await this.#admin.close();
  }
}
