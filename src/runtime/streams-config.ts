/**
 * StreamsConfig: the settings of a Tributary application, with Kafka Streams' dotted names
 * (`application.id`, `commit.interval.ms`, ...). Values may be given as numbers or as the strings a Java
 * `Properties` file would hold; both are validated here, and a bad key or value fails with a
 * {@link ConfigError} that names the key.
 *
 * Client settings may be passed through with Kafka Streams' prefixes (`consumer.`, `producer.`, `admin.`,
 * `main.consumer.`, `restore.consumer.`, `global.consumer.`, `topic.`); `topic.*` settings are applied to the
 * internal topics the runtime creates.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../kafka/backend.ts';

export const AT_LEAST_ONCE = 'at_least_once';
export const EXACTLY_ONCE_V2 = 'exactly_once_v2';
export type ProcessingGuarantee = typeof AT_LEAST_ONCE | typeof EXACTLY_ONCE_V2;

/** What a user may pass. Every key is optional except `application.id`. */
export interface StreamsConfigProperties {
  /** Identifies the application: the consumer group id and the prefix of its internal topics. Required. */
  'application.id': string;
  /** Kafka brokers, `host:port[,host:port]`. Leave it out to run on the in-process embedded broker. */
  'bootstrap.servers'?: string | readonly string[];
  'client.id'?: string;
  /** Loops ("stream threads") per instance. Node runs them interleaved on one thread; 1 is usually right. */
  'num.stream.threads'?: number | string;
  'processing.guarantee'?: ProcessingGuarantee;
  /** Default 30000, or 100 under exactly_once_v2. */
  'commit.interval.ms'?: number | string;
  /** Longest time a poll waits for records. */
  'poll.ms'?: number | string;
  /** Records buffered per input partition before the partition is paused. */
  'buffered.records.per.partition'?: number | string;
  'max.task.idle.ms'?: number | string;
  'max.poll.records'?: number | string;
  'state.dir'?: string;
  /** Store type of DSL stores without an explicit supplier: 'in_memory' (Tributary's default) or 'rocksDB' (LMDB). */
  'default.dsl.store'?: 'in_memory' | 'rocksDB';
  /** Replication factor of internal topics; -1 takes the broker's default. */
  'replication.factor'?: number | string;
  /** `host:port` of this instance, advertised to the others for interactive queries. */
  'application.server'?: string;
  'auto.offset.reset'?: 'earliest' | 'latest';
  'session.timeout.ms'?: number | string;
  'heartbeat.interval.ms'?: number | string;
  'max.poll.interval.ms'?: number | string;
  /** Static membership. Each stream thread appends `-<thread index>`. */
  'group.instance.id'?: string;
  'repartition.purge.interval.ms'?: number | string;
  /** How often source patterns are matched against the cluster's topics again (new topics join the subscription). */
  'metadata.max.age.ms'?: number | string;
  'task.timeout.ms'?: number | string;
  'statestore.cache.max.bytes'?: number | string;
  'num.standby.replicas'?: number | string;
  'topology.optimization'?: string;
  'ensure.explicit.internal.resource.naming'?: boolean | string;
  'default.key.serde'?: unknown;
  'default.value.serde'?: unknown;
  'default.timestamp.extractor'?: unknown;
  'deserialization.exception.handler'?: unknown;
  'processing.exception.handler'?: unknown;
  'production.exception.handler'?: unknown;
  'errors.dead.letter.queue.topic.name'?: string;
  'metrics.recording.level'?: 'INFO' | 'DEBUG' | 'TRACE';
  /** Prefixed client and topic settings, passed through. */
  [
    prefixed: `${'consumer' | 'producer' | 'admin' | 'main.consumer' | 'restore.consumer' | 'global.consumer' | 'topic'}.${string}`
  ]: unknown;
}

type Kind =
  | { type: 'string'; default?: string; pattern?: RegExp; hint?: string }
  | { type: 'int'; default?: number; min: number }
  | { type: 'enum'; default?: string; values: readonly string[] }
  | { type: 'boolean'; default: boolean }
  | { type: 'servers' }
  | { type: 'any' };

const DEFINITIONS: Readonly<Record<string, Kind>> = {
  'application.id': {
    type: 'string',
    pattern: /^[a-zA-Z0-9._-]+$/,
    hint: 'use only letters, digits, ".", "_" and "-" (it prefixes topic names)',
  },
  'bootstrap.servers': { type: 'servers' },
  'client.id': { type: 'string', default: '' },
  'num.stream.threads': { type: 'int', default: 1, min: 1 },
  'processing.guarantee': { type: 'enum', default: AT_LEAST_ONCE, values: [AT_LEAST_ONCE, EXACTLY_ONCE_V2] },
  'commit.interval.ms': { type: 'int', min: 0 },
  'poll.ms': { type: 'int', default: 100, min: 0 },
  'buffered.records.per.partition': { type: 'int', default: 1000, min: 1 },
  'max.task.idle.ms': { type: 'int', default: 0, min: -1 },
  'max.poll.records': { type: 'int', default: 1000, min: 1 },
  'state.dir': { type: 'string', default: join(tmpdir(), 'kafka-streams') },
  // Java's default is rocksDB; Tributary keeps in-memory (faster, no state.dir) and offers "rocksDB" (LMDB here).
  'default.dsl.store': { type: 'enum', default: 'in_memory', values: ['in_memory', 'rocksDB'] },
  'replication.factor': { type: 'int', default: -1, min: -1 },
  'application.server': {
    type: 'string',
    default: '',
    // host (a name, an IPv4 address or a bracketed IPv6 address) and a port 1-65535: other instances and
    // QueryServer forwarding connect to it.
    pattern:
      /^$|^(?:\[[0-9A-Fa-f:.]+\]|[^:\s[\]/]+):(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3})$/,
    hint: 'expected "host:port" with a port from 1 to 65535, e.g. "localhost:7070" or "[::1]:7070" (the address other instances reach this one at)',
  },
  'auto.offset.reset': { type: 'enum', default: 'earliest', values: ['earliest', 'latest'] },
  'session.timeout.ms': { type: 'int', default: 45000, min: 1 },
  'heartbeat.interval.ms': { type: 'int', default: 3000, min: 1 },
  'max.poll.interval.ms': { type: 'int', default: 300000, min: 1 },
  'group.instance.id': { type: 'string' },
  'repartition.purge.interval.ms': { type: 'int', default: 30000, min: 0 },
  'metadata.max.age.ms': { type: 'int', default: 300000, min: 1 },
  'task.timeout.ms': { type: 'int', default: 300000, min: 0 },
  'statestore.cache.max.bytes': { type: 'int', default: 10 * 1024 * 1024, min: 0 },
  'num.standby.replicas': { type: 'int', default: 0, min: 0 },
  'topology.optimization': { type: 'string', default: 'none' },
  'ensure.explicit.internal.resource.naming': { type: 'boolean', default: false },
  'default.key.serde': { type: 'any' },
  'default.value.serde': { type: 'any' },
  'default.timestamp.extractor': { type: 'any' },
  'deserialization.exception.handler': { type: 'any' },
  'processing.exception.handler': { type: 'any' },
  'production.exception.handler': { type: 'any' },
  'errors.dead.letter.queue.topic.name': { type: 'string' },
  'metrics.recording.level': { type: 'enum', default: 'INFO', values: ['INFO', 'DEBUG', 'TRACE'] },
  // Window store changelogs keep records this long beyond the store's retention (retention.ms = both).
  'windowstore.changelog.additional.retention.ms': { type: 'int', default: 86_400_000, min: 0 },
  // Java's internal throttle of on-window-close emission (wall-clock ms between scans for closed windows).
  '__emit.interval.ms.kstreams.windowed.aggregation__': { type: 'int', min: 0 },
};

const PASS_THROUGH_PREFIXES = [
  'consumer.',
  'producer.',
  'admin.',
  'main.consumer.',
  'restore.consumer.',
  'global.consumer.',
  'topic.',
];

/** The validated settings, defaults filled in. */
export interface ResolvedStreamsConfig {
  readonly applicationId: string;
  /** Empty: run on the embedded broker. */
  readonly bootstrapServers: readonly string[];
  readonly clientId: string;
  readonly numStreamThreads: number;
  readonly processingGuarantee: ProcessingGuarantee;
  readonly commitIntervalMs: number;
  readonly pollMs: number;
  readonly bufferedRecordsPerPartition: number;
  readonly maxPollRecords: number;
  readonly stateDir: string;
  readonly replicationFactor: number;
  readonly applicationServer: string;
  readonly autoOffsetReset: 'earliest' | 'latest';
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly groupInstanceId: string | undefined;
  readonly repartitionPurgeIntervalMs: number;
  /** `topic.*` settings, prefix removed: applied to every internal topic. */
  readonly topicConfigs: Readonly<Record<string, string>>;
  /** Every key, dotted, defaults filled in: what tasks see as TaskEnvironment.config. */
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * Validates user settings and fills in defaults. Throws {@link ConfigError} naming the first bad key.
 */
export function resolveStreamsConfig(
  props: StreamsConfigProperties | Readonly<Record<string, unknown>>,
): ResolvedStreamsConfig {
  if (props === null || typeof props !== 'object') {
    throw new ConfigError('application.id', 'a config object with at least "application.id" is required');
  }
  const values: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(props)) {
    if (raw === undefined) continue;
    const definition = DEFINITIONS[key];
    if (definition === undefined) {
      if (PASS_THROUGH_PREFIXES.some((prefix) => key.startsWith(prefix) && key.length > prefix.length)) {
        values[key] = raw;
        continue;
      }
      throw new ConfigError(key, `unknown config key${suggestion(key)}`);
    }
    values[key] = parseValue(key, definition, raw);
  }
  if (values['application.id'] === undefined) {
    throw new ConfigError('application.id', 'is required (it names the consumer group and prefixes internal topics)');
  }
  for (const [key, definition] of Object.entries(DEFINITIONS)) {
    if (values[key] === undefined && 'default' in definition && definition.default !== undefined) {
      values[key] = definition.default;
    }
  }
  const guarantee = values['processing.guarantee'] as ProcessingGuarantee;
  if (values['commit.interval.ms'] === undefined) {
    values['commit.interval.ms'] = guarantee === EXACTLY_ONCE_V2 ? 100 : 30000;
  }
  const topicConfigs: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (key.startsWith('topic.')) topicConfigs[key.slice('topic.'.length)] = String(value);
  }
  return {
    applicationId: values['application.id'] as string,
    bootstrapServers: (values['bootstrap.servers'] as string[] | undefined) ?? [],
    clientId: (values['client.id'] as string) || (values['application.id'] as string),
    numStreamThreads: values['num.stream.threads'] as number,
    processingGuarantee: guarantee,
    commitIntervalMs: values['commit.interval.ms'] as number,
    pollMs: values['poll.ms'] as number,
    bufferedRecordsPerPartition: values['buffered.records.per.partition'] as number,
    maxPollRecords: values['max.poll.records'] as number,
    stateDir: values['state.dir'] as string,
    replicationFactor: values['replication.factor'] as number,
    applicationServer: values['application.server'] as string,
    autoOffsetReset: values['auto.offset.reset'] as 'earliest' | 'latest',
    sessionTimeoutMs: values['session.timeout.ms'] as number,
    heartbeatIntervalMs: values['heartbeat.interval.ms'] as number,
    maxPollIntervalMs: values['max.poll.interval.ms'] as number,
    groupInstanceId: values['group.instance.id'] as string | undefined,
    repartitionPurgeIntervalMs: values['repartition.purge.interval.ms'] as number,
    topicConfigs,
    values,
  };
}

function parseValue(key: string, definition: Kind, raw: unknown): unknown {
  switch (definition.type) {
    case 'any':
      return raw;
    case 'string': {
      if (typeof raw !== 'string') throw new ConfigError(key, `expected a string, got ${describe(raw)}`);
      if (definition.pattern && !definition.pattern.test(raw)) {
        throw new ConfigError(
          key,
          `invalid value ${JSON.stringify(raw)}${definition.hint ? `: ${definition.hint}` : ''}`,
        );
      }
      if (raw.length === 0 && definition.default === undefined) throw new ConfigError(key, 'must not be empty');
      return raw;
    }
    case 'int': {
      const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw new ConfigError(key, `expected an integer, got ${describe(raw)}`);
      }
      if (value < definition.min) throw new ConfigError(key, `must be at least ${definition.min}, got ${value}`);
      return value;
    }
    case 'enum': {
      if (typeof raw !== 'string' || !definition.values.includes(raw)) {
        throw new ConfigError(key, `expected one of ${definition.values.join(', ')}, got ${describe(raw)}`);
      }
      return raw;
    }
    case 'boolean': {
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      throw new ConfigError(key, `expected true or false, got ${describe(raw)}`);
    }
    case 'servers': {
      const list = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
      if (list === undefined) throw new ConfigError(key, `expected "host:port[,host:port]", got ${describe(raw)}`);
      const servers = list.map((entry) => (typeof entry === 'string' ? entry.trim() : entry)).filter((s) => s !== '');
      for (const server of servers) {
        if (typeof server !== 'string' || !/^[^:\s]+:\d{1,5}$/.test(server)) {
          throw new ConfigError(key, `invalid address ${describe(server)}: expected "host:port"`);
        }
      }
      return servers;
    }
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}

/** "did you mean" for a mistyped key: the known key with the smallest edit distance, if close. */
function suggestion(key: string): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const known of Object.keys(DEFINITIONS)) {
    const distance = editDistance(key, known);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = known;
    }
  }
  const prefixes = `; client settings go under a prefix (${PASS_THROUGH_PREFIXES.join(', ')})`;
  return best !== undefined && bestDistance <= 3 ? ` (did you mean "${best}"?)` : prefixes;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Java's name for the settings object: `new KafkaStreams(topology, config satisfies StreamsConfig)`. */
export type StreamsConfig = StreamsConfigProperties;
