package dev.tributary.bench;

import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** Polls a sink topic's end offsets until they add up to the expected output (the end of a sink run's window). */
final class SinkWatcher implements AutoCloseable {
    private final Admin admin;
    private final Map<TopicPartition, OffsetSpec> request;

    /** Connects before the run starts, so that the connection is not part of the measured window. */
    SinkWatcher(String bootstrap, String topic) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        admin = Admin.create(props);
        int partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get().get(topic)
                .partitions().size();
        request = java.util.stream.IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p))
                .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
        endOffsets();
    }

    /** True once the sink holds `records` records; polls every 10 ms until the deadline. */
    boolean waitFor(long records, long deadlineMillis) throws Exception {
        while (System.currentTimeMillis() < deadlineMillis) {
            if (endOffsets() >= records) return true;
            Thread.sleep(10);
        }
        return false;
    }

    private long endOffsets() throws Exception {
        return admin.listOffsets(request).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }

    @Override
    public void close() {
        admin.close();
    }
}
