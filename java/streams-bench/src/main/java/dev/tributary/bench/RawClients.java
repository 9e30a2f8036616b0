package dev.tributary.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;

/**
 * The plain Java clients with no framework (SimpleBenchmark's `consume` and `consumeproduce`): the
 * limit any read or read-process-write app on this broker and machine can reach.
 */
final class RawClients {
    static String consume(BenchArgs args, boolean produce) throws Exception {
        String source = args.string("source");
        long expected = args.number("records");
        long timeoutMs = args.number("timeout-ms", 180_000);

        Properties cprops = new Properties();
        cprops.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args.string("bootstrap"));
        cprops.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-raw-consumer");
        cprops.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        cprops.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cprops.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");

        Properties pprops = new Properties();
        pprops.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args.string("bootstrap"));
        pprops.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-raw-producer");
        pprops.put(ProducerConfig.LINGER_MS_CONFIG, 100);
        pprops.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);

        Meter meter = new Meter(expected);
        String sink = produce ? args.string("sink") : null;
        try (var consumer = new KafkaConsumer<>(cprops, new IntegerDeserializer(), new ByteArrayDeserializer());
             var producer = produce ? new KafkaProducer<>(pprops, new IntegerSerializer(), new ByteArraySerializer()) : null) {
            List<TopicPartition> partitions = consumer.partitionsFor(source).stream()
                    .map(p -> new TopicPartition(source, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.currentTimeMillis() + timeoutMs;
            long seen = 0;
            while (seen < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<Integer, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (producer != null) producer.send(new ProducerRecord<>(sink, r.key(), r.value()));
                    seen++;
                    if (seen < expected || producer == null) meter.record();
                    if (seen == expected) break;
                }
            }
            // The pipe's last record counts once the producer has it acknowledged.
            if (producer != null && seen == expected) {
                producer.flush();
                meter.record();
            }
        }
        return meter.json(produce ? "raw-consume-produce" : "raw-consume",
                Map.of("client", "java kafka-clients " + org.apache.kafka.common.utils.AppInfoParser.getVersion()));
    }
}
