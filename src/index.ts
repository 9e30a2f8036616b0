/**
 * Tributary's public API: everything a user imports comes from here; every other file is internal.
 */

// Live dashboard
export type { DashboardSnapshot } from './dashboard/dashboard-snapshot.ts';
export type { StreamsDashboardOptions } from './dashboard/streams-dashboard.ts';
export { StreamsDashboard } from './dashboard/streams-dashboard.ts';
export { Branched } from './dsl/branched.ts';
export { BranchedKStream } from './dsl/branched-kstream.ts';
export { CogroupedKStream } from './dsl/cogrouped-kstream.ts';
export type { ConsumedArgument, ConsumedBuilder, ConsumedWithSerdes, SerdeFor, StringLike } from './dsl/consumed.ts';
export { Consumed } from './dsl/consumed.ts';
export type { StrategyType } from './dsl/emit-strategy.ts';
// Time windows (tumbling, hopping, sliding) and window stores
export { EmitStrategy } from './dsl/emit-strategy.ts';
export { GlobalKTable } from './dsl/global-ktable.ts';
export type { GroupedBuilder } from './dsl/grouped.ts';
export { Grouped } from './dsl/grouped.ts';
export { Change } from './dsl/internals/change.ts';
export type { SessionMerger } from './dsl/internals/session-window-aggregate-processor.ts';
export { JoinWindows } from './dsl/join-windows.ts';
// Joins
export type { JoinedBuilder } from './dsl/joined.ts';
export { Joined } from './dsl/joined.ts';
export { KGroupedStream } from './dsl/kgrouped-stream.ts';
export { KGroupedTable } from './dsl/kgrouped-table.ts';
export type { KeyValuePair } from './dsl/kstream.ts';
export { KStream } from './dsl/kstream.ts';
export { KTable } from './dsl/ktable.ts';
export type { MaterializedBuilder } from './dsl/materialized.ts';
export { Materialized } from './dsl/materialized.ts';
export { Named } from './dsl/named.ts';
export type { ProducedBuilder } from './dsl/produced.ts';
export { Produced } from './dsl/produced.ts';
export type { RepartitionedBuilder } from './dsl/repartitioned.ts';
export { Repartitioned } from './dsl/repartitioned.ts';
export { SessionWindowedKStream } from './dsl/session-windowed-kstream.ts';
export { SessionWindows } from './dsl/session-windows.ts';
export { SlidingWindows } from './dsl/sliding-windows.ts';
export type { StreamJoinedBuilder } from './dsl/stream-joined.ts';
export { StreamJoined } from './dsl/stream-joined.ts';
export type { TableArguments } from './dsl/streams-builder.ts';
// DSL, Processor API, state stores, topology and test driver
export { StreamsBuilder } from './dsl/streams-builder.ts';
export type { BufferFullStrategy, EagerBufferConfig, StrictBufferConfig } from './dsl/suppressed.ts';
export { BufferConfig, Suppressed } from './dsl/suppressed.ts';
export { TableJoined } from './dsl/table-joined.ts';
export { TimeWindowedCogroupedKStream } from './dsl/time-windowed-cogrouped-kstream.ts';
export type { WindowMaterialized } from './dsl/time-windowed-kstream.ts';
export { TimeWindowedKStream } from './dsl/time-windowed-kstream.ts';
export { TimeWindows } from './dsl/time-windows.ts';
export type { KeySelector, ValueJoiner } from './dsl/value-joiner.ts';
export type { Window } from './dsl/windowed.ts';
export { Windowed } from './dsl/windowed.ts';
export {
  DLQ_HEADER_EXCEPTION,
  DLQ_HEADER_MESSAGE,
  DLQ_HEADER_OFFSET,
  DLQ_HEADER_PARTITION,
  DLQ_HEADER_STACKTRACE,
  DLQ_HEADER_TOPIC,
} from './errors/dead-letter-queue.ts';
export type { DeserializationExceptionHandler } from './errors/deserialization-exception-handler.ts';
export {
  DeserializationHandlerResponse,
  LogAndContinueExceptionHandler,
  LogAndFailExceptionHandler,
} from './errors/deserialization-exception-handler.ts';
export type { ErrorHandlerContext } from './errors/error-handler-context.ts';
export type { HandlerResponse } from './errors/handler-response.ts';
export { HandlerResult } from './errors/handler-response.ts';
export type { ProcessingExceptionHandler } from './errors/processing-exception-handler.ts';
export {
  LogAndContinueProcessingExceptionHandler,
  LogAndFailProcessingExceptionHandler,
  ProcessingHandlerResponse,
} from './errors/processing-exception-handler.ts';
export type {
  ProductionErrorContext,
  ProductionExceptionHandler,
} from './errors/production-exception-handler.ts';
export {
  failOnProductionError,
  logAndContinueOnProductionError,
  ProductionExceptionHandlerResponse,
} from './errors/production-exception-handler.ts';
export {
  ApplicationShutdownRequestedException,
  MissingSourceTopicException,
  StreamsException,
  TaskAssignmentException,
} from './errors/streams-exception.ts';
export type { StreamsUncaughtExceptionHandler } from './errors/streams-uncaught-exception-handler.ts';
export { StreamThreadExceptionResponse } from './errors/streams-uncaught-exception-handler.ts';
export type { KafkaCluster, KafkaClusterOptions } from './harness/kafka-cluster.ts';
export { fetchKafkaJars, KafkaHarnessError, startKafkaCluster, stopKafkaCluster } from './harness/kafka-cluster.ts';
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
export type { EmbeddedBrokerOptions } from './kafka/embedded/embedded-broker.ts';
export { EmbeddedBroker } from './kafka/embedded/embedded-broker.ts';
export type { PlatformaticBackendConfig } from './kafka/platformatic/index.ts';
export { PlatformaticBackend } from './kafka/platformatic/index.ts';
// Metrics (Kafka Streams' names), Prometheus exposition
export type { Metric } from './metrics/metric.ts';
export { formatPrometheus, PROMETHEUS_CONTENT_TYPE, prometheusHandler } from './metrics/prometheus.ts';
export { SerdeMissingError } from './processor/internals/serde-resolution.ts';
export { ProcessingFailedException } from './processor/internals/stream-task.ts';
export type {
  FixedKeyProcessor,
  FixedKeyProcessorSupplier,
  Processor,
  ProcessorSupplier,
} from './processor/processor.ts';
export type {
  Cancellable,
  FixedKeyProcessorContext,
  ProcessorContext,
  Punctuator,
  RecordMetadata,
} from './processor/processor-context.ts';
export { PunctuationType } from './processor/processor-context.ts';
export type { FixedKeyRecord, Headers } from './processor/record.ts';
export { Record } from './processor/record.ts';
export type { ConsumedRecordInfo, TimestampExtractor } from './processor/timestamp-extractor.ts';
export {
  FailOnInvalidTimestamp,
  LogAndSkipOnInvalidTimestamp,
  UsePartitionTimeOnInvalidTimestamp,
  WallclockTimestampExtractor,
} from './processor/timestamp-extractor.ts';
// Interactive queries
export type { KeySerializerLike } from './query/interactive-queries.ts';
export {
  InvalidStateStoreException,
  InvalidStateStorePartitionException,
  StreamsNotStartedException,
  UnknownStateStoreException,
} from './query/invalid-state-store-exception.ts';
export type { QueryServerOptions } from './query/query-server.ts';
export { QueryServer } from './query/query-server.ts';
export type { QueryableStoreType } from './query/queryable-store-types.ts';
export { QueryableStoreTypes } from './query/queryable-store-types.ts';
export { StoreQueryParameters } from './query/store-query-parameters.ts';
export { HostInfo, KeyQueryMetadata } from './query/streams-metadata.ts';
export { defaultEmbeddedBroker } from './runtime/create-backend.ts';
export type { CloseOptions, KafkaStreamsOptions, StreamsMetadata } from './runtime/kafka-streams.ts';
export { KafkaStreams } from './runtime/kafka-streams.ts';
export type { StateListener } from './runtime/kafka-streams-state.ts';
export { KafkaStreamsState } from './runtime/kafka-streams-state.ts';
export type { StandbySuspendReason, StandbyUpdateListener } from './runtime/standby-update-listener.ts';
export type { StateRestoreListener } from './runtime/state-restore-listener.ts';
export type { StandbyTaskMetadata, TaskMetadata, ThreadMetadata } from './runtime/stream-thread.ts';
export type { ProcessingGuarantee, StreamsConfig, StreamsConfigProperties } from './runtime/streams-config.ts';
export { AT_LEAST_ONCE, EXACTLY_ONCE_V2 } from './runtime/streams-config.ts';
export type { Deserializer, Serde, Serializer } from './serdes/serde.ts';
export { SerializationException, serdeFrom } from './serdes/serde.ts';
export { Serdes } from './serdes/serdes.ts';
export { sessionWindowedSerdeFrom } from './serdes/session-windowed-serde.ts';
export { timeWindowedSerdeFrom } from './serdes/time-windowed-serde.ts';
export { WindowedSerdes } from './serdes/windowed-serdes.ts';
// External sinks (KStream#toSink) and the SQLite sink
export type { ExternalSink, SinkRecord, SinkWriteContext, ToSinkOptions } from './sink/external-sink.ts';
export type { SqliteSinkOptions } from './sink/sqlite-sink.ts';
export { SqliteSink } from './sink/sqlite-sink.ts';
export { InMemoryKeyValueStore } from './state/in-memory-key-value-store.ts';
export { InMemorySessionStore } from './state/in-memory-session-store.ts';
export { InMemoryWindowStore } from './state/in-memory-window-store.ts';
export type {
  KeyValueStore,
  ReadOnlyKeyValueStore,
  TimestampedKeyValueStore,
  ValueAndTimestamp,
} from './state/key-value-store.ts';
export { KeyValue } from './state/key-value-store.ts';
export type { PersistentKeyValueStoreOptions } from './state/persistent-key-value-store.ts';
export { PersistentKeyValueStore } from './state/persistent-key-value-store.ts';
export type { PersistentSessionStoreOptions } from './state/persistent-session-store.ts';
export { PersistentSessionStore } from './state/persistent-session-store.ts';
export type { PersistentWindowStoreOptions } from './state/persistent-window-store.ts';
export { PersistentWindowStore } from './state/persistent-window-store.ts';
export type { ReadOnlySessionStore, SessionStore } from './state/session-store.ts';
export type { SessionStoreSupplier } from './state/session-store-builder.ts';
export { SessionStoreBuilder } from './state/session-store-builder.ts';
export type { StateStore } from './state/state-store.ts';
export type { DslStoreType, KeyValueStoreSupplier, StoreBuilder } from './state/store-builder.ts';
export { KeyValueStoreBuilder } from './state/store-builder.ts';
export { Stores } from './state/stores.ts';
export type { ReadOnlyWindowStore, TimestampedWindowStore, WindowStore } from './state/window-store.ts';
export type { WindowStoreSupplier } from './state/window-store-builder.ts';
export { WindowStoreBuilder } from './state/window-store-builder.ts';
export { TestInputTopic } from './test-driver/test-input-topic.ts';
export { TestOutputTopic } from './test-driver/test-output-topic.ts';
export type { OutputRecord, TestRecord } from './test-driver/test-record.ts';
export type { TopologyTestDriverOptions } from './test-driver/topology-test-driver.ts';
export { TopologyTestDriver } from './test-driver/topology-test-driver.ts';
export type { StreamPartitioner, TopicNameExtractor } from './topology/internals/node-definitions.ts';
export type { SinkOptions, SourceOptions } from './topology/topology.ts';
export { Topology, TopologyException } from './topology/topology.ts';
export type {
  GlobalStoreDescription,
  NodeDescription,
  ProcessorNodeDescription,
  SinkNodeDescription,
  SourceNodeDescription,
  SubtopologyDescription,
  TopologyDescriptionJson,
} from './topology/topology-description.ts';
export { TopologyDescription } from './topology/topology-description.ts';
