import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.*;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Kafka Streams' side of Tributary's session-window and suppress parity tests
 * (src/dsl/session-windows.java.test.ts). Each argument is "describe:<name>" (prints Topology.describe()) or
 * "driver:<name>" (pipes fixed inputs through Kafka Streams' TopologyTestDriver with record caching off and
 * prints every output record as "key<TAB>value<TAB>timestamp"), under a line "=== <argument>".
 */
public class SessionSuppressReference {
  public static void main(String[] args) {
    for (String arg : args) {
      System.out.println("=== " + arg);
      String name = arg.substring(arg.indexOf(':') + 1);
      if (arg.startsWith("describe:")) System.out.print(build(name).describe());
      else if (arg.startsWith("serde:")) printSessionWindowedKeys();
      else drive(name);
    }
  }

  static Topology build(String name) {
    StreamsBuilder b = new StreamsBuilder();
    switch (name) {
      case "session-count": {
        b.<String, String>stream("in")
            .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
            .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMillis(10)))
            .count()
            .toStream((wk, v) -> wk.toString())
            .to("out", Produced.with(Serdes.String(), Serdes.Long()));
        break;
      }
      case "session-count-suppress": {
        b.<String, String>stream("in")
            .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
            .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)))
            .count()
            .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
            .toStream((wk, v) -> wk.toString())
            .to("out", Produced.with(Serdes.String(), Serdes.Long()));
        break;
      }
      case "session-named": {
        KGroupedStream<String, String> g = b.<String, String>stream("in").groupBy((k, v) -> v, Grouped.as("by-value"));
        SessionWindowedKStream<String, String> s = g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMillis(10)));
        s.reduce((a, v) -> a + "+" + v, Named.as("reducer"), Materialized.as("reduced"))
            .suppress(Suppressed.<Windowed<String>>untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("final"))
            .toStream()
            .to("out1");
        break;
      }
      case "session-aggregate-count": {
        KGroupedStream<String, String> g = b.<String, String>stream("in").groupByKey();
        g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMillis(10)))
            .aggregate(() -> "", (k, v, a) -> a + v, (k, a1, a2) -> a1 + a2)
            .toStream()
            .to("out2");
        g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMillis(10)))
            .count(Materialized.with(Serdes.String(), Serdes.Long()))
            .toStream()
            .to("out3");
        break;
      }
      case "tumbling-count-suppress": {
        b.<String, String>stream("in")
            .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
            .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)))
            .count()
            .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
            .toStream((wk, v) -> wk.toString())
            .to("out", Produced.with(Serdes.String(), Serdes.Long()));
        break;
      }
      case "hopping-reduce-suppress-named": {
        b.<String, String>stream("in")
            .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
            .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(20)).advanceBy(Duration.ofMillis(10)))
            .reduce((a, v) -> a + "," + v, Materialized.as("hops"))
            .suppress(Suppressed.<Windowed<String>>untilWindowCloses(Suppressed.BufferConfig.unbounded().shutDownWhenFull()).withName("hop-final"))
            .toStream((wk, v) -> wk.toString())
            .to("out");
        break;
      }
      case "session-join-suppressed": {
        KGroupedStream<String, String> g = b.<String, String>stream("in").groupByKey(Grouped.with(Serdes.String(), Serdes.String()));
        SessionWindows windows = SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(10), Duration.ofMillis(20));
        KTable<Windowed<String>, Long> finalCounts = g.windowedBy(windows)
            .count()
            .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()));
        g.windowedBy(windows)
            .reduce((a, v) -> a + "," + v)
            .join(finalCounts, (s, n) -> s + "#" + n)
            .toStream((wk, v) -> wk.toString())
            .to("out");
        break;
      }
      case "time-limit": {
        b.<String, String>table("t")
            .suppress(Suppressed.untilTimeLimit(Duration.ofMillis(10), Suppressed.BufferConfig.maxRecords(2).emitEarlyWhenFull()))
            .toStream()
            .to("out");
        break;
      }
      case "session-aggregate-merges": {
        b.<String, String>stream("in")
            .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
            .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(10), Duration.ofMillis(20)))
            .aggregate(() -> "", (k, v, a) -> a + v, (k, a1, a2) -> a1 + "|" + a2)
            .toStream((wk, v) -> wk.toString())
            .to("out");
        break;
      }
      case "session-reduce-merges": {
        b.<String, String>stream("in")
            .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
            .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(10), Duration.ofMillis(20)))
            .reduce((a, v) -> a + "," + v)
            .toStream((wk, v) -> wk.toString())
            .to("out");
        break;
      }
      default:
        throw new IllegalArgumentException("unknown topology " + name);
    }
    return b.build();
  }

  /** Hex of Java's session-windowed serialization of a few keys, one per line: key, start, end, hex. */
  static void printSessionWindowedKeys() {
    var serde = WindowedSerdes.sessionWindowedSerdeFrom(String.class);
    long[][] windows = {{0, 0}, {5, 9}, {1732000000000L, 1732000009999L}};
    for (String key : new String[] {"k", "user-1", ""}) {
      for (long[] w : windows) {
        byte[] bytes = serde.serializer().serialize("t", new Windowed<>(key, new org.apache.kafka.streams.kstream.internals.SessionWindow(w[0], w[1])));
        StringBuilder hex = new StringBuilder();
        for (byte x : bytes) hex.append(String.format("%02x", x));
        System.out.println(key + "\t" + w[0] + "\t" + w[1] + "\t" + hex);
      }
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

  /** The inputs every driver scenario pipes: key, value, timestamp (a null key is skipped by aggregations). */
  static final Object[][] SESSION_INPUT = {
    {"a", "1", 0L}, {"a", "2", 5L}, {"b", "3", 3L}, {"a", "4", 30L}, {"a", "5", 20L},
    {"b", "6", 12L}, {"a", "7", 2L}, {"a", "8", 14L}, {"c", "9", 60L}, {"a", "10", 38L},
    {"b", "11", 13L}, {"a", "12", 90L}, {"b", "13", 89L}, {"c", "14", 100L}, {"a", "15", 200L},
  };

  static final Object[][] TABLE_INPUT = {
    {"x", "1", 0L}, {"y", "2", 1L}, {"x", "3", 4L}, {"z", "4", 5L}, {"x", null, 6L},
    {"y", "5", 12L}, {"w", "6", 13L}, {"x", "7", 30L}, {"y", "8", 31L}, {"z", "9", 32L},
  };

  static void drive(String name) {
    boolean table = name.equals("time-limit");
    boolean longValues = name.startsWith("session-count") || name.startsWith("tumbling-count");
    try (TopologyTestDriver d = new TopologyTestDriver(build(name), props())) {
      TestInputTopic<String, String> in = d.createInputTopic(table ? "t" : "in", Serdes.String().serializer(), Serdes.String().serializer());
      for (Object[] r : table ? TABLE_INPUT : SESSION_INPUT) {
        in.pipeInput((String) r[0], (String) r[1], Instant.ofEpochMilli((Long) r[2]));
      }
      if (longValues) {
        TestOutputTopic<String, Long> out = d.createOutputTopic("out", Serdes.String().deserializer(), Serdes.Long().deserializer());
        for (TestRecord<String, Long> r : out.readRecordsToList()) System.out.println(r.key() + "\t" + r.value() + "\t" + r.timestamp());
      } else {
        TestOutputTopic<String, String> out = d.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer());
        for (TestRecord<String, String> r : out.readRecordsToList()) System.out.println(r.key() + "\t" + r.value() + "\t" + r.timestamp());
      }
    }
  }
}
