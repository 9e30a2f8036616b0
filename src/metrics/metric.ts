/**
 * One metric as Kafka Streams names it (Java's `KafkaStreams#metrics()` entry): `name` within `group`
 * (stream-metrics, stream-thread-metrics, stream-task-metrics, stream-state-metrics,
 * consumer-fetch-manager-metrics), told apart by `tags` (client-id, thread-id, task-id, a store's
 * `<scope>-state-id`, topic, partition). Values are read at the time `metrics()` is called.
 */
export interface Metric {
  readonly name: string;
  readonly group: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly value: number | string;
}
