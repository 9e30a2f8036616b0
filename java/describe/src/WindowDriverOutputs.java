import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.*;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Pipes the inputs given on stdin-free command lines through Kafka Streams' TopologyTestDriver for the
 * time-windowed programs of src/dsl/time-windowed-kstream.java.test.ts and prints each output record as
 * "[key@start/end]<TAB>value<TAB>timestamp" under "=== <scenario>". Inputs come from the args:
 * "<scenario>" followed by the records as one argument "key,value,timestamp;key,value,timestamp;..." (value
 * "null" is a null value). Record caching is off: Tributary forwards every update.
 */
public class WindowDriverOutputs {
  public static void main(String[] args) {
    for (int i = 0; i + 1 < args.length; i += 2) {
      System.out.println("=== " + args[i]);
      run(args[i], args[i + 1]);
    }
  }

  static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  static Properties props() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "window-parity");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    p.put("__emit.interval.ms.kstreams.windowed.aggregation__", 0L);
    return p;
  }

  static <V> void print(TestOutputTopic<Windowed<String>, V> out) {
    for (TestRecord<Windowed<String>, V> r : out.readRecordsToList()) {
      System.out.println(r.key() + "\t" + r.value() + "\t" + r.timestamp());
    }
  }

  static String hex(byte[] bytes) {
    if (bytes == null) return "null";
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) out.append(String.format("%02x", b));
    return out.toString();
  }

  static void run(String name, String records) {
    StreamsBuilder b = new StreamsBuilder();
    long size;
    boolean longValues = true;
    switch (name) {
      case "hopping-count": {
        size = 10;
        b.<String, String>stream("in").groupByKey()
            .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)).advanceBy(ms(5)))
            .count()
            .toStream()
            .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, size), Serdes.Long()));
        break;
      }
      case "tumbling-aggregate-grace": {
        size = 10;
        longValues = false;
        b.<String, String>stream("in").groupByKey()
            .windowedBy(TimeWindows.ofSizeAndGrace(ms(10), ms(5)))
            .aggregate(() -> "", (k, v, agg) -> agg + "|" + v)
            .toStream()
            .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, size), Serdes.String()));
        break;
      }
      case "sliding-count": {
        size = 10;
        b.<String, String>stream("in").groupByKey()
            .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(ms(10), ms(5)))
            .count()
            .toStream()
            .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, size), Serdes.Long()));
        break;
      }
      case "sliding-reduce": {
        size = 5;
        longValues = false;
        b.<String, String>stream("in").groupByKey()
            .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(ms(5)))
            .reduce((a, v) -> a + v)
            .toStream()
            .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, size), Serdes.String()));
        break;
      }
      case "tumbling-count-on-close": {
        size = 10;
        b.<String, String>stream("in").groupByKey()
            .windowedBy(TimeWindows.ofSizeAndGrace(ms(10), ms(2)))
            .emitStrategy(EmitStrategy.onWindowClose())
            .count()
            .toStream()
            .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, size), Serdes.Long()));
        break;
      }
      case "sliding-count-on-close": {
        size = 10;
        b.<String, String>stream("in").groupByKey()
            .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(ms(10), ms(3)))
            .emitStrategy(EmitStrategy.onWindowClose())
            .count()
            .toStream()
            .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, size), Serdes.Long()));
        break;
      }
      case "hopping-count-changelog": {
        // The window store's changelog records, as hex: [key][start 8][seq 4] and the plain value.
        size = 10;
        b.<String, String>stream("in").groupByKey()
            .windowedBy(TimeWindows.ofSizeAndGrace(ms(10), ms(3)).advanceBy(ms(5)))
            .count(Materialized.as("hop-counts"));
        try (TopologyTestDriver d = new TopologyTestDriver(b.build(), props())) {
          TestInputTopic<String, String> in = d.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
          for (String record : records.split(";")) {
            String[] parts = record.split(",");
            in.pipeInput(parts[0], parts[1].equals("null") ? null : parts[1], Instant.ofEpochMilli(Long.parseLong(parts[2])));
          }
          TestOutputTopic<byte[], byte[]> log = d.createOutputTopic("window-parity-hop-counts-changelog",
              Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
          for (TestRecord<byte[], byte[]> r : log.readRecordsToList()) {
            System.out.println(hex(r.key()) + "\t" + hex(r.value()) + "\t" + r.timestamp());
          }
        }
        return;
      }
      case "cogroup-windowed": {
        size = 10;
        longValues = false;
        KGroupedStream<String, String> a = b.<String, String>stream("a").groupByKey();
        KGroupedStream<String, String> c = b.<String, String>stream("c").groupBy((k, v) -> v);
        a.<String>cogroup((k, v, agg) -> agg + "a" + v)
            .cogroup(c, (k, v, agg) -> agg + "c" + k)
            .windowedBy(TimeWindows.ofSizeAndGrace(ms(10), ms(2)))
            .aggregate(() -> "")
            .toStream()
            .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, size), Serdes.String()));
        break;
      }
      case "cogroup-sliding": {
        size = 10;
        longValues = false;
        KGroupedStream<String, String> a = b.<String, String>stream("a").groupByKey();
        KGroupedStream<String, String> c = b.<String, String>stream("c").groupByKey();
        a.<String>cogroup((k, v, agg) -> agg + "a" + v)
            .cogroup(c, (k, v, agg) -> agg + "c" + v)
            .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(ms(10)))
            .aggregate(() -> "", Named.as("slide"))
            .toStream()
            .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, size), Serdes.String()));
        break;
      }
      case "windowed-table-join": {
        size = 10;
        longValues = false;
        KGroupedStream<String, String> g = b.<String, String>stream("in").groupByKey();
        KTable<Windowed<String>, Long> counts = g.windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10))).count();
        KTable<Windowed<String>, String> joined = g.windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10))).reduce((a, v) -> a + v);
        counts.join(joined, (n, s) -> n + ":" + s)
            .toStream()
            .to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, size), Serdes.String()));
        break;
      }
      default:
        throw new IllegalArgumentException("unknown scenario " + name);
    }
    try (TopologyTestDriver d = new TopologyTestDriver(b.build(), props())) {
      // A key "topic/key" goes to that topic; other keys go to "in".
      java.util.Map<String, TestInputTopic<String, String>> inputs = new java.util.HashMap<>();
      for (String record : records.split(";")) {
        String[] parts = record.split(",");
        String value = parts[1].equals("null") ? null : parts[1];
        String topic = parts[0].contains("/") ? parts[0].substring(0, parts[0].indexOf('/')) : "in";
        String key = parts[0].substring(parts[0].indexOf('/') + 1);
        TestInputTopic<String, String> in = inputs.computeIfAbsent(topic,
            t -> d.createInputTopic(t, Serdes.String().serializer(), Serdes.String().serializer()));
        in.pipeInput(key, value, Instant.ofEpochMilli(Long.parseLong(parts[2])));
      }
      Serde<Windowed<String>> keySerde = WindowedSerdes.timeWindowedSerdeFrom(String.class, size);
      if (longValues) print(d.createOutputTopic("out", keySerde.deserializer(), Serdes.Long().deserializer()));
      else print(d.createOutputTopic("out", keySerde.deserializer(), Serdes.String().deserializer()));
    }
  }
}
