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
} from '../backend.ts';
import type { BrokerState } from './broker-state.ts';
import { groupNotFound } from './group-coordinator.ts';
import { PartitionLog } from './partition-log.ts';
import { parseTopicConfigs, validateTopicName } from './topic-config.ts';

/** Admin operations on the embedded broker, answered the way a single Kafka node answers them. */
export class EmbeddedAdmin implements Admin {
  private readonly broker: BrokerState;

  constructor(broker: BrokerState) {
    this.broker = broker;
  }

  async createTopics(topics: readonly NewTopic[], options: { ifNotExists?: boolean } = {}): Promise<void> {
    // Validate everything first so that a bad entry creates nothing.
    const created = new Set<string>();
    for (const topic of topics) {
      validateTopicName(topic.name);
      checkPartitionCount(topic);
      const replicationFactor = topic.replicationFactor ?? 1;
      if (replicationFactor !== 1 && replicationFactor !== -1) {
        throw new KafkaBackendError(
          `topic "${topic.name}": replication factor ${replicationFactor} is larger than the 1 broker available (INVALID_REPLICATION_FACTOR)`,
        );
      }
      parseTopicConfigs(topic.name, topic.configs);
      if ((this.broker.topics.has(topic.name) || created.has(topic.name)) && !options.ifNotExists) {
        throw new TopicExistsError(topic.name);
      }
      created.add(topic.name);
    }
    for (const topic of topics) {
      if (this.broker.topics.has(topic.name)) continue;
      const partitions = Array.from({ length: topic.partitions }, (_, i) => new PartitionLog(topic.name, i));
      const configs = { ...topic.configs };
      this.broker.topics.set(topic.name, {
        name: topic.name,
        partitions,
        configs,
        settings: parseTopicConfigs(topic.name, configs),
      });
    }
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    for (const name of names) this.broker.topicOrThrow(name);
    for (const name of names) {
      const topic = this.broker.topics.get(name);
      if (!topic) continue;
      this.broker.topics.delete(name);
      // Wake fetchers waiting on it: their next look finds the topic gone.
      for (const log of topic.partitions) log.wake();
      for (const group of this.broker.groups.values()) group.forgetTopic(name);
    }
  }

  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    return names.map((name) => {
      const topic = this.broker.topicOrThrow(name);
      const node = this.broker.nodeId;
      return {
        name,
        partitions: topic.partitions.map((log) => ({
          partition: log.partition,
          leader: node,
          replicas: [node],
          isr: [node],
        })),
      };
    });
  }

  async listTopics(): Promise<string[]> {
    return [...this.broker.topics.keys()].sort();
  }

  async listOffsets(
    requests: readonly ListOffsetsRequest[],
    options: { isolationLevel?: IsolationLevel } = {},
  ): Promise<ListedOffset[]> {
    const isolationLevel = options.isolationLevel ?? 'read_uncommitted';
    return requests.map((request) => {
      const log = this.broker.partitionLog(request);
      const { topic, partition, spec } = request;
      if (spec === 'earliest') return { topic, partition, offset: log.logStartOffset, timestamp: -1 };
      if (spec === 'latest') return { topic, partition, offset: log.endFor(isolationLevel), timestamp: -1 };
      if (typeof spec?.timestamp !== 'number' || !Number.isFinite(spec.timestamp)) {
        throw new KafkaBackendError(`listOffsets for topic "${topic}" partition ${partition}: invalid offset spec`);
      }
      const found = log.offsetForTimestamp(spec.timestamp, log.endFor(isolationLevel));
      return { topic, partition, offset: found?.offset ?? -1, timestamp: found?.timestamp ?? -1 };
    });
  }

  async deleteRecords(requests: readonly TopicPartitionOffset[]): Promise<TopicPartitionOffset[]> {
    const logs = requests.map((request) => {
      const log = this.broker.partitionLog(request);
      // Kafka's DeleteRecords: -1 means "up to the high watermark"; beyond it is OFFSET_OUT_OF_RANGE.
      const offset = request.offset === -1 ? log.highWatermark : request.offset;
      if (!Number.isInteger(offset) || offset < 0 || offset > log.highWatermark) {
        throw new KafkaBackendError(
          `deleteRecords: offset ${request.offset} is out of range for topic "${request.topic}" partition ${request.partition} (high watermark ${log.highWatermark}) (OFFSET_OUT_OF_RANGE)`,
        );
      }
      return { log, offset };
    });
    return requests.map((request, i) => ({
      topic: request.topic,
      partition: request.partition,
      offset: logs[i].log.deleteBefore(logs[i].offset),
    }));
  }

  async listGroups(): Promise<GroupListing[]> {
    return [...this.broker.groups.values()].map((group) => ({
      groupId: group.groupId,
      protocolType: 'consumer',
      state: group.state,
    }));
  }

  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    return groupIds.map(
      (groupId) =>
        this.broker.groups.get(groupId)?.describe() ?? {
          groupId,
          state: 'Dead',
          protocolType: '',
          protocol: '',
          members: [],
        },
    );
  }

  async fetchCommittedOffsets(
    groupId: string,
    partitions?: readonly TopicPartition[],
  ): Promise<TopicPartitionOffset[]> {
    return this.broker.groups.get(groupId)?.committedOffsets(partitions) ?? [];
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    for (const groupId of groupIds) {
      const group = this.broker.groups.get(groupId);
      if (!group) throw groupNotFound(groupId);
      if (group.memberCount > 0) {
        throw new KafkaBackendError(`group "${groupId}" still has ${group.memberCount} member(s) (NON_EMPTY_GROUP)`);
      }
    }
    for (const groupId of groupIds) {
      this.broker.groups.get(groupId)?.dispose();
      this.broker.groups.delete(groupId);
    }
  }
}
