package dev.tributary.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;

/**
 * Loads an input topic the way SimpleBenchmark's load-one does with key skew 0: int32 keys drawn
 * uniformly from [0, keys), serialized by IntegerSerializer (4 bytes big-endian), random values of a
 * fixed size, timestamps = send time, partitioned by the default (murmur2) partitioner.
 * With --records-per-ms R and --base-timestamp T the timestamps are event times instead: record i gets
 * T + i / R (ms). The join inputs are loaded that way, two topics on one timeline, so that the stream-stream
 * join's 10 s window matches a bounded number of records (with load-time timestamps both topics would fall
 * into one window and every record would join every record of its key) and the run is repeatable.
 */
final class Loader {
    static String run(BenchArgs args) throws Exception {
        // --topic A,B: the same number of records into each topic in turn (one JVM start for a join's inputs).
        String[] topics = args.string("topic").split(",");
        long records = args.number("records");
        int valueSize = (int) args.number("value-size", 100);
        int keys = (int) args.number("keys", 10_000);
        // --rate R: R records per second (0: as fast as possible). With a rate, every value starts with its
        // send time (epoch ms, int64) and nothing lingers, for the end-to-end latency run.
        long rate = args.number("rate", 0);
        // --distinct-keys true: record i gets key i (every key distinct), for the many-keys count's memory figure.
        boolean distinctKeys = args.string("distinct-keys", "false").equals("true");
        // --records-per-ms R --base-timestamp T: event timestamps T + i / R instead of the send time.
        long recordsPerMs = args.number("records-per-ms", 0);
        long baseTimestamp = args.number("base-timestamp", 0);
        if (recordsPerMs > 0 && baseTimestamp <= 0) throw new IllegalArgumentException("--records-per-ms needs --base-timestamp");
        if (rate > 0 && valueSize < 8) throw new IllegalArgumentException("--rate needs --value-size of at least 8");

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args.string("bootstrap"));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-loader");
        props.put(ProducerConfig.LINGER_MS_CONFIG, rate > 0 ? 0 : 100);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);

        ThreadLocalRandom random = ThreadLocalRandom.current();
        long start = System.nanoTime();
        try (var producer = new KafkaProducer<>(props, new IntegerSerializer(), new ByteArraySerializer())) {
            for (String topic : topics) for (long i = 0; i < records; i++) {
                if (rate > 0) {
                    long due = start + i * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                byte[] value = new byte[valueSize];
                random.nextBytes(value);
                if (rate > 0) java.nio.ByteBuffer.wrap(value).putLong(0, System.currentTimeMillis());
                int key = distinctKeys ? (int) i : random.nextInt(keys);
                Long timestamp = recordsPerMs > 0 ? baseTimestamp + i / recordsPerMs : null;
                producer.send(new ProducerRecord<>(topic, null, timestamp, key, value), (meta, error) -> {
                    if (error != null) {
                        System.err.println("load of " + topic + " failed: " + error);
                        System.exit(3);
                    }
                });
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workload", "load");
        out.put("topic", String.join(",", topics));
        out.put("records", records * topics.length);
        out.put("seconds", seconds);
        out.put("recordsPerSec", records * topics.length / seconds);
        out.put("rate", rate);
        if (recordsPerMs > 0) out.put("eventTimeSpanMs", records / recordsPerMs);
        return Meter.toJson(out);
    }
}
