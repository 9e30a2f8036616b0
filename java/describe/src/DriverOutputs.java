import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.*;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Pipes fixed inputs through Kafka Streams' own TopologyTestDriver and prints every output record as
 * "key<TAB>value<TAB>timestamp" under "=== <scenario>", so a test can compare Tributary's outputs for the same
 * programs. Record caching is off (statestore.cache.max.bytes=0): Tributary forwards every update.
 */
public class DriverOutputs {
  public static void main(String[] args) {
    for (String name : args) {
      System.out.println("=== " + name);
      run(name);
    }
  }

  static Properties props() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "parity");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    return p;
  }

  static void print(TestOutputTopic<String, ?> out) {
    for (TestRecord<String, ?> r : out.readRecordsToList()) {
      System.out.println(r.key() + "\t" + r.value() + "\t" + r.timestamp());
    }
  }

  static void pipe(TestInputTopic<String, String> in, String key, String value, long ts) {
    in.pipeInput(key, value, Instant.ofEpochMilli(ts));
  }

  static void run(String name) {
    StreamsBuilder b = new StreamsBuilder();
    switch (name) {
      case "word-count": {
        b.<String, String>stream("text-lines")
            .flatMapValues(v -> Arrays.asList(v.toLowerCase(Locale.ROOT).split("\\W+")))
            .filter((k, w) -> !w.isEmpty())
            .groupBy((k, w) -> w)
            .count(Materialized.as("counts-store"))
            .toStream()
            .to("word-counts", Produced.with(Serdes.String(), Serdes.Long()));
        try (TopologyTestDriver d = new TopologyTestDriver(b.build(), props())) {
          TestInputTopic<String, String> in = d.createInputTopic("text-lines", Serdes.String().serializer(), Serdes.String().serializer());
          TestOutputTopic<String, Long> out = d.createOutputTopic("word-counts", Serdes.String().deserializer(), Serdes.Long().deserializer());
          pipe(in, "l1", "Hello Kafka Streams", 1000);
          pipe(in, "l2", "All streams lead to Kafka", 900);
          pipe(in, "l3", "hello, HELLO... hello!", 1100);
          print(out);
        }
        break;
      }
      case "table-groupby-count": {
        b.<String, String>table("user-regions")
            .groupBy((user, region) -> KeyValue.pair(region, user))
            .count()
            .toStream()
            .to("region-counts", Produced.with(Serdes.String(), Serdes.Long()));
        try (TopologyTestDriver d = new TopologyTestDriver(b.build(), props())) {
          TestInputTopic<String, String> in = d.createInputTopic("user-regions", Serdes.String().serializer(), Serdes.String().serializer());
          TestOutputTopic<String, Long> out = d.createOutputTopic("region-counts", Serdes.String().deserializer(), Serdes.Long().deserializer());
          pipe(in, "alice", "eu", 10);
          pipe(in, "bob", "eu", 20);
          pipe(in, "carol", "us", 30);
          pipe(in, "alice", "us", 25);
          pipe(in, "bob", null, 40);
          pipe(in, "carol", "us", 50);
          print(out);
        }
        break;
      }
      case "table-filter-mapvalues": {
        b.<String, String>table("stock")
            .filter((item, q) -> Integer.parseInt(q) > 0)
            .mapValues(q -> q + " left")
            .toStream()
            .to("available");
        try (TopologyTestDriver d = new TopologyTestDriver(b.build(), props())) {
          TestInputTopic<String, String> in = d.createInputTopic("stock", Serdes.String().serializer(), Serdes.String().serializer());
          TestOutputTopic<String, String> out = d.createOutputTopic("available", Serdes.String().deserializer(), Serdes.String().deserializer());
          pipe(in, "apple", "3", 1);
          pipe(in, "apple", "0", 2);
          pipe(in, "pear", "0", 3);
          pipe(in, "pear", "1", 4);
          pipe(in, "apple", null, 5);
          print(out);
        }
        break;
      }
      case "table-reduce": {
        b.<String, String>table("scores")
            .groupBy((player, score) -> KeyValue.pair(player.substring(0, 1), score))
            .reduce((agg, v) -> String.valueOf(Integer.parseInt(agg) + Integer.parseInt(v)),
                    (agg, v) -> String.valueOf(Integer.parseInt(agg) - Integer.parseInt(v)))
            .toStream()
            .to("totals");
        try (TopologyTestDriver d = new TopologyTestDriver(b.build(), props())) {
          TestInputTopic<String, String> in = d.createInputTopic("scores", Serdes.String().serializer(), Serdes.String().serializer());
          TestOutputTopic<String, String> out = d.createOutputTopic("totals", Serdes.String().deserializer(), Serdes.String().deserializer());
          pipe(in, "a1", "10", 100);
          pipe(in, "a2", "5", 50);
          pipe(in, "a1", "12", 120);
          pipe(in, "b1", "7", 70);
          pipe(in, "a2", null, 200);
          print(out);
        }
        break;
      }
      case "stream-reduce-totable": {
        KStream<String, String> s = b.stream("events");
        s.groupByKey().reduce((a, v) -> a + "," + v).toStream().to("joined");
        s.toTable(Materialized.as("latest")).filter((k, v) -> !v.startsWith("x")).toStream().to("latest-out");
        try (TopologyTestDriver d = new TopologyTestDriver(b.build(), props())) {
          TestInputTopic<String, String> in = d.createInputTopic("events", Serdes.String().serializer(), Serdes.String().serializer());
          TestOutputTopic<String, String> joined = d.createOutputTopic("joined", Serdes.String().deserializer(), Serdes.String().deserializer());
          TestOutputTopic<String, String> latest = d.createOutputTopic("latest-out", Serdes.String().deserializer(), Serdes.String().deserializer());
          pipe(in, "k", "a", 5);
          pipe(in, "k", "xb", 3);
          pipe(in, "j", "c", 9);
          pipe(in, "k", "d", 4);
          print(joined);
          System.out.println("---");
          print(latest);
        }
        break;
      }
      default:
        throw new IllegalArgumentException("unknown scenario " + name);
    }
  }
}
