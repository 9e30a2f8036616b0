import { ConfigError, KafkaBackendError } from '../backend.ts';

/** The topic-level configs Kafka 4.x accepts; a real broker rejects any other name. */
const KNOWN_TOPIC_CONFIGS = new Set([
  'cleanup.policy',
  'compression.type',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.zstd.level',
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'follower.replication.throttled.replicas',
  'index.interval.bytes',
  'leader.replication.throttled.replicas',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'preallocate',
  'remote.log.copy.disable',
  'remote.log.delete.on.disable',
  'remote.storage.enable',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
  'unclean.leader.election.enable',
]);

const NUMERIC_TOPIC_CONFIGS = new Set([
  'delete.retention.ms',
  'max.message.bytes',
  'min.compaction.lag.ms',
  'max.compaction.lag.ms',
  'min.insync.replicas',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.ms',
  'segment.jitter.ms',
  'min.cleanable.dirty.ratio',
]);

/** What the embedded broker acts on, parsed once from a topic's configs. */
export interface TopicSettings {
  readonly compact: boolean;
  readonly logAppendTime: boolean;
  readonly deleteRetentionMs: number;
  readonly maxMessageBytes: number;
}

/** Kafka's topic name rule: 1-249 of [a-zA-Z0-9._-], and not "." or "..". */
export function validateTopicName(name: string): void {
  if (typeof name !== 'string' || name.length === 0)
    throw new KafkaBackendError('topic name must be a non-empty string');
  if (name === '.' || name === '..') throw new KafkaBackendError(`topic name "${name}" is not allowed`);
  if (name.length > 249) throw new KafkaBackendError(`topic name "${name}" is longer than 249 characters`);
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    throw new KafkaBackendError(`topic name "${name}" is illegal: use only ASCII letters, digits, '.', '_' and '-'`);
  }
}

export function parseTopicConfigs(topic: string, configs: Readonly<Record<string, string>> = {}): TopicSettings {
  for (const [key, value] of Object.entries(configs)) {
    if (!KNOWN_TOPIC_CONFIGS.has(key)) throw new ConfigError(key, `unknown topic config (topic "${topic}")`);
    if (typeof value !== 'string') throw new ConfigError(key, `value must be a string (topic "${topic}")`);
    if (NUMERIC_TOPIC_CONFIGS.has(key) && (value.trim() === '' || !Number.isFinite(Number(value)))) {
      throw new ConfigError(key, `"${value}" is not a number (topic "${topic}")`);
    }
  }
  const policies = (configs['cleanup.policy'] ?? 'delete')
    .split(',')
    .map((policy) => policy.trim())
    .filter((policy) => policy !== '');
  for (const policy of policies) {
    if (policy !== 'compact' && policy !== 'delete') {
      throw new ConfigError('cleanup.policy', `"${policy}" is not one of compact, delete (topic "${topic}")`);
    }
  }
  const timestampType = configs['message.timestamp.type'] ?? 'CreateTime';
  if (timestampType !== 'CreateTime' && timestampType !== 'LogAppendTime') {
    throw new ConfigError(
      'message.timestamp.type',
      `"${timestampType}" is not CreateTime or LogAppendTime (topic "${topic}")`,
    );
  }
  return {
    compact: policies.includes('compact'),
    logAppendTime: timestampType === 'LogAppendTime',
    deleteRetentionMs: Number(configs['delete.retention.ms'] ?? 86_400_000),
    maxMessageBytes: Number(configs['max.message.bytes'] ?? 1_048_588),
  };
}
