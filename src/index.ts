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
export type { CloseOptions, KafkaStreamsOptions, StreamsMetadata } from './runtime/kafka-streams.ts';
export { KafkaStreams } from './runtime/kafka-streams.ts';
export type { StateListener } from './runtime/kafka-streams-state.ts';
export { KafkaStreamsState } from './runtime/kafka-streams-state.ts';
export type { ProcessingGuarantee, StreamsConfigProperties } from './runtime/streams-config.ts';
export { AT_LEAST_ONCE, EXACTLY_ONCE_V2 } from './runtime/streams-config.ts';
export type { TaskMetadata, ThreadMetadata } from './runtime/stream-thread.ts';
export { defaultEmbeddedBroker } from './runtime/create-backend.ts';
export {
  ApplicationShutdownRequestedException,
  MissingSourceTopicException,
  StreamsException,
  TaskAssignmentException,
} from './errors/streams-exception.ts';
export type {
  ProductionErrorContext,
  ProductionExceptionHandler,
} from './errors/production-exception-handler.ts';
export {
  failOnProductionError,
  logAndContinueOnProductionError,
  ProductionExceptionHandlerResponse,
} from './errors/production-exception-handler.ts';
export type { StreamsUncaughtExceptionHandler } from './errors/streams-uncaught-exception-handler.ts';
export { StreamThreadExceptionResponse } from './errors/streams-uncaught-exception-handler.ts';
