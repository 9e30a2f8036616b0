/**
 * Tributary's public API: everything a user imports comes from here; every other file is internal.
 */
export type * from './kafka/backend.ts';
export {
  BrokerUnreachableError,
  ConfigError,
  FencedError,
  KafkaBackendError,
  RebalanceInProgressError,
  TopicExistsError,
  UnknownTopicError,
} from './kafka/backend.ts';
export type { KafkaCluster, KafkaClusterOptions } from './harness/kafka-cluster.ts';
export { fetchKafkaJars, KafkaHarnessError, startKafkaCluster } from './harness/kafka-cluster.ts';
export type { Deserializer, Serde, Serializer } from './serdes/serde.ts';
export { SerializationException, serdeFrom } from './serdes/serde.ts';
export { Serdes } from './serdes/serdes.ts';
export type { EmbeddedBrokerOptions } from './kafka/embedded/embedded-broker.ts';
export { EmbeddedBroker } from './kafka/embedded/embedded-broker.ts';
export { stopKafkaCluster } from './harness/kafka-cluster.ts';
