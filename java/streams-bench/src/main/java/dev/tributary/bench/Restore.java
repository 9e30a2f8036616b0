package dev.tributary.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Restore speed: starts the app over an empty state directory whose changelog was filled by an earlier
 * run of the same application.id, and measures start() → RUNNING and the records restored (counted by a
 * StateRestoreListener).
 */
final class Restore {
    static String measure(StreamsBuilder builder, Properties props, long timeoutMs) throws Exception {
        AtomicLong restored = new AtomicLong();
        CountDownLatch running = new CountDownLatch(1);
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition tp, String store, long start, long end) {}

            @Override
            public void onBatchRestored(TopicPartition tp, String store, long batchEndOffset, long numRestored) {
                restored.addAndGet(numRestored);
            }

            @Override
            public void onRestoreEnd(TopicPartition tp, String store, long totalRestored) {}
        });
        streams.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.RUNNING) running.countDown();
        });
        long start = System.nanoTime();
        long cpuStart = Meter.processCpuNanos();
        streams.start();
        boolean ok = running.await(timeoutMs, TimeUnit.MILLISECONDS);
        double ms = (System.nanoTime() - start) / 1e6;
        double cpu = (Meter.processCpuNanos() - cpuStart) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workload", "restore");
        out.put("impl", "kafka-streams");
        out.put("timedOut", !ok);
        out.put("startToRunningMs", ms);
        out.put("restoredRecords", restored.get());
        out.put("restoredRecordsPerSec", restored.get() / (ms / 1000));
        out.put("cpuSeconds", cpu);
        out.put("peakRssBytes", Meter.peakRssBytes());
        streams.close(Duration.ofSeconds(30));
        streams.cleanUp();
        return Meter.toJson(out);
    }
}
