package dev.tributary.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.ValueJoiner;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;

/**
 * One Kafka Streams app per workload, each counting processed records with a {@link Meter} (the
 * completion detector) and exiting once the whole input was processed. Settings follow SimpleBenchmark
 * (commit.interval.ms 30 s, max.poll.records 1000, producer batch 128 KiB, earliest reset), but with Kafka
 * Streams' default producer linger (100 ms) instead of 5 s: see the sink watcher below.
 * --store rocksdb (Kafka Streams' default, persistent, cached) or memory (in-memory, cached).
 * --guarantee at_least_once (default) or exactly_once_v2.
 * The joins read a second input, --source2, loaded on the same event-time timeline as --source; their Meter
 * counts the input records of both sides (2 × --records) and the join results are reported as joinOutputs
 * (SimpleBenchmark counted join results, but a join's output count depends on the data, not the work done).
 */
final class StreamsWorkloads {
    static final String STORE = "bench-store";
    /** SimpleBenchmark's window store: 1000 ms windows, retained 3 × as long. */
    static final Duration WINDOW_SIZE = Duration.ofMillis(1000);
    static final Duration WINDOW_RETENTION = Duration.ofMillis(3000);
    /** SimpleBenchmark's stream-stream join window. */
    static final Duration JOIN_WINDOW = Duration.ofSeconds(10);
    /** SimpleBenchmark's joiner: returns one side, so the join's own cost is what is measured. */
    static final ValueJoiner<byte[], byte[], byte[]> JOINER = (left, right) -> left;

    static String run(String workload, BenchArgs args) throws Exception {
        String source = args.string("source");
        long expected = args.number("records");
        long timeoutMs = args.number("timeout-ms", 180_000);
        int threads = (int) args.number("threads", 1);
        boolean inMemory = args.string("store", "rocksdb").equals("memory");

        boolean join = workload.endsWith("-join");
        // A join's meter counts the records of both inputs.
        Meter meter = new Meter(join ? 2 * expected : expected);
        AtomicLong joinOutputs = new AtomicLong();
        AtomicLong fetchedEntries = new AtomicLong();
        StreamsBuilder builder = new StreamsBuilder();
        KStream<Integer, byte[]> input =
                builder.stream(source, Consumed.with(Serdes.Integer(), Serdes.ByteArray()));
        KStream<Integer, byte[]> input2 = join
                ? builder.stream(args.string("source2"), Consumed.with(Serdes.Integer(), Serdes.ByteArray()))
                : null;
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
            case "window-store" -> {
                WindowBytesStoreSupplier supplier = inMemory
                        ? Stores.inMemoryWindowStore(STORE, WINDOW_RETENTION, WINDOW_SIZE, false)
                        : Stores.persistentWindowStore(STORE, WINDOW_RETENTION, WINDOW_SIZE, false);
                builder.addStateStore(Stores.windowStoreBuilder(supplier, Serdes.Integer(), Serdes.ByteArray())
                        .withCachingEnabled());
                input.process(() -> new WindowFetchPutProcessor(meter, fetchedEntries), STORE);
            }
            case "stream-table-join" -> input.peek((k, v) -> meter.record())
                    .leftJoin(table(input2, meter, inMemory, STORE), JOINER)
                    .foreach((k, v) -> joinOutputs.incrementAndGet());
            case "stream-stream-join" -> {
                JoinWindows windows = JoinWindows.ofTimeDifferenceWithNoGrace(JOIN_WINDOW);
                StreamJoined<Integer, byte[], byte[]> joined =
                        StreamJoined.with(Serdes.Integer(), Serdes.ByteArray(), Serdes.ByteArray());
                if (inMemory) {
                    // The DSL's own store shape: retention = window size = before + after, duplicates kept.
                    Duration size = Duration.ofMillis(windows.size());
                    joined = joined
                            .withThisStoreSupplier(Stores.inMemoryWindowStore(STORE + "-this", size, size, true))
                            .withOtherStoreSupplier(Stores.inMemoryWindowStore(STORE + "-other", size, size, true));
                }
                input.peek((k, v) -> meter.record())
                        .leftJoin(input2.peek((k, v) -> meter.record()), JOINER, windows, joined)
                        .foreach((k, v) -> joinOutputs.incrementAndGet());
            }
            case "table-table-join" -> table(input, meter, inMemory, STORE + "-left")
                    .leftJoin(table(input2, meter, inMemory, STORE + "-right"), JOINER)
                    .toStream()
                    .foreach((k, v) -> joinOutputs.incrementAndGet());
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
        AtomicReference<Throwable> failure = new AtomicReference<>();
        streams.setUncaughtExceptionHandler(e -> {
            System.err.println("stream thread failed: " + e);
            failure.set(e);
            meter.abort();
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
        extra.put("store", workload.equals("passthrough") ? "none"
                : (inMemory ? "in-memory" : "rocksdb") + (workload.equals("stream-stream-join") ? "" : ", cached"));
        if (failure.get() != null) extra.put("failure", String.valueOf(failure.get()));
        if (join) extra.put("joinOutputs", joinOutputs.get());
        // A cross-check that both apps scanned as much.
        if (workload.equals("window-store")) extra.put("fetchedEntries", fetchedEntries.get());
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

    /**
     * A table over a stream input whose records the meter counts as they arrive (before the table's store and
     * its cache): builder.table() would give no place to count the input, and its cache holds back updates.
     */
    static KTable<Integer, byte[]> table(KStream<Integer, byte[]> stream, Meter meter, boolean inMemory, String store) {
        KStream<Integer, byte[]> counted = stream.peek((k, v) -> meter.record());
        if (inMemory) {
            return counted.toTable(Materialized.<Integer, byte[]>as(Stores.inMemoryKeyValueStore(store))
                    .withKeySerde(Serdes.Integer()).withValueSerde(Serdes.ByteArray()));
        }
        return counted.toTable(Materialized.<Integer, byte[], KeyValueStore<Bytes, byte[]>>as(store)
                .withKeySerde(Serdes.Integer()).withValueSerde(Serdes.ByteArray()));
    }

    /**
     * SimpleBenchmark's streamprocesswithwindowstore: per record, fetch keys key-10 .. key+10 over the last
     * second (from 0: negative int32 keys sort after positive ones in serialized order, and RocksDB would log
     * every inverted range), iterate the result, then put the record into its window.
     */
    static final class WindowFetchPutProcessor implements Processor<Integer, byte[], Void, Void> {
        private final Meter meter;
        private final AtomicLong fetchedEntries;
        private WindowStore<Integer, byte[]> store;

        WindowFetchPutProcessor(Meter meter, AtomicLong fetchedEntries) {
            this.meter = meter;
            this.fetchedEntries = fetchedEntries;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<Integer, byte[]> record) {
            int key = record.key();
            long timestamp = record.timestamp();
            try (KeyValueIterator<Windowed<Integer>, byte[]> iter =
                    store.fetch(Math.max(0, key - 10), key + 10, timestamp - 1000L, timestamp)) {
                long n = 0;
                for (; iter.hasNext(); n++) iter.next();
                fetchedEntries.addAndGet(n);
            }
            store.put(key, record.value(), timestamp);
            meter.record();
        }
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
