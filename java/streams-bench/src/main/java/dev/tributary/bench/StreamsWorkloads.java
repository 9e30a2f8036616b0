package dev.tributary.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * One Kafka Streams app per workload, each counting processed records with a {@link Meter} (the
 * completion detector) and exiting once the whole input was processed. Settings follow SimpleBenchmark
 * (commit.interval.ms 30 s, max.poll.records 1000, producer batch 128 KiB, earliest reset), but with Kafka
 * Streams' default producer linger (100 ms) instead of 5 s: see the sink watcher below.
 * --store rocksdb (Kafka Streams' default, persistent, cached) or memory (in-memory, cached).
 * --guarantee at_least_once (default) or exactly_once_v2.
 */
final class StreamsWorkloads {
    static final String STORE = "bench-store";

    static String run(String workload, BenchArgs args) throws Exception {
        String source = args.string("source");
        long expected = args.number("records");
        long timeoutMs = args.number("timeout-ms", 180_000);
        int threads = (int) args.number("threads", 1);
        boolean inMemory = args.string("store", "rocksdb").equals("memory");

        Meter meter = new Meter(expected);
        StreamsBuilder builder = new StreamsBuilder();
        KStream<Integer, byte[]> input =
                builder.stream(source, Consumed.with(Serdes.Integer(), Serdes.ByteArray()));
        switch (workload) {
            case "passthrough" -> input
                    .filter((k, v) -> v != null)
                    .mapValues(v -> v)
                    .peek((k, v) -> meter.record())
                    .to(args.string("sink"), Produced.with(Serdes.Integer(), Serdes.ByteArray()));
            case "kv-store" -> {
                KeyValueBytesStoreSupplier supplier =
                        inMemory ? Stores.inMemoryKeyValueStore(STORE) : Stores.persistentKeyValueStore(STORE);
                builder.addStateStore(Stores.keyValueStoreBuilder(supplier, Serdes.Integer(), Serdes.ByteArray())
                        .withCachingEnabled());
                input.process(() -> new GetPutProcessor(meter), STORE);
            }
            case "count" -> {
                var grouped = input.peek((k, v) -> meter.record())
                        .groupByKey(Grouped.with(Serdes.Integer(), Serdes.ByteArray()));
                if (inMemory) {
                    grouped.count(Materialized.<Integer, Long>as(Stores.inMemoryKeyValueStore(STORE))
                            .withKeySerde(Serdes.Integer()).withValueSerde(Serdes.Long()));
                } else {
                    grouped.count();
                }
            }
            case "windowed-count" -> {
                var windowed = input.peek((k, v) -> meter.record())
                        .groupByKey(Grouped.with(Serdes.Integer(), Serdes.ByteArray()))
                        .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(1000))
                                .advanceBy(Duration.ofMillis(500)));
                if (inMemory) {
                    windowed.count(Materialized.<Integer, Long>as(Stores.inMemoryWindowStore(STORE,
                                    Duration.ofHours(1), Duration.ofMillis(1000), false))
                            .withKeySerde(Serdes.Integer()).withValueSerde(Serdes.Long()));
                } else {
                    windowed.count();
                }
            }
            default -> throw new IllegalArgumentException("unknown workload '" + workload + "'");
        }

        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, args.string("app-id"));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args.string("bootstrap"));
        props.put(StreamsConfig.STATE_DIR_CONFIG, args.string("state-dir"));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        // --guarantee exactly_once_v2: transactions, read_committed input, and Kafka Streams' EOS default commit
        // interval (100 ms); Tributary's worker does the same. Otherwise SimpleBenchmark's 30 s.
        String guarantee = args.string("guarantee", StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        if (!guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 30_000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 1000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // SimpleBenchmark lingers 5 s; here a sink run ends when its output is in the topic, so a 5 s linger would
        // be measured as idle time. 100 ms is Kafka Streams' own default.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 100);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 128 * 1024);
        if (args.string("cache-bytes", null) != null) {
            props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, args.number("cache-bytes"));
        }
        if (args.string("restore-only", "false").equals("true")) {
            return Restore.measure(builder, props, timeoutMs);
        }

        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.setUncaughtExceptionHandler(e -> {
            System.err.println("stream thread failed: " + e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .SHUTDOWN_CLIENT;
        });
        // Sink workloads end when the sink topic holds the whole output (acknowledged by the broker), not when
        // the last record was handed to the sink node: buffered output is work not yet done.
        long deadline = System.currentTimeMillis() + timeoutMs;
        // Tells the bench when the app is RUNNING (the latency run starts its paced producer then).
        streams.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.RUNNING) {
                System.out.println("{\"event\":\"running\"}");
                System.out.flush();
            }
        });
        streams.start();
        meter.awaitDone(timeoutMs);
        Boolean outputComplete = null;
        if (workload.equals("passthrough") && !meter.timedOut()) {
            outputComplete = OutputSignal.awaitOutputComplete(deadline - System.currentTimeMillis());
            if (outputComplete) meter.markOutputComplete();
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("threads", threads);
        extra.put("store", workload.contains("count") || workload.equals("kv-store")
                ? (inMemory ? "in-memory, cached" : "rocksdb, cached") : "none");
        extra.put("client", "kafka-streams " + AppInfoParser.getVersion());
        extra.put("processingGuarantee", guarantee);
        if (outputComplete != null) extra.put("outputComplete", outputComplete);
        String result = meter.json(workload, extra);
        // Leave the group on close (Kafka Streams stays by default), so a later run of the same application.id
        // (the restore run) is not held up by this member's session timeout.
        streams.close(org.apache.kafka.streams.CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        streams.cleanUp();
        return result;
    }

    /** SimpleBenchmark's streamprocesswithstatestore: a get then a put of the same key per record. */
    static final class GetPutProcessor implements Processor<Integer, byte[], Void, Void> {
        private final Meter meter;
        private KeyValueStore<Integer, byte[]> store;

        GetPutProcessor(Meter meter) {
            this.meter = meter;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<Integer, byte[]> record) {
            store.get(record.key());
            store.put(record.key(), record.value());
            meter.record();
        }
    }
}
