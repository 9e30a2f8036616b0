package dev.tributary.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the bench's topics in one JVM start: --create name:partitions,name:partitions,... */
final class Topics {
    static String create(BenchArgs args) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args.string("bootstrap"));
        List<NewTopic> topics = new ArrayList<>();
        for (String spec : args.string("create").split(",")) {
            String[] parts = spec.split(":");
            if (parts.length != 2) throw new IllegalArgumentException("topic spec '" + spec + "' is not name:partitions");
            topics.add(new NewTopic(parts[0], Optional.of(Integer.parseInt(parts[1])), Optional.empty()));
        }
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(topics).all().get();
        }
        return Meter.toJson(Map.of("created", topics.size()));
    }
}
