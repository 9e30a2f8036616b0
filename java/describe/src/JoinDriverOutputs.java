import java.time.Duration;
import java.time.Instant;
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
 * Pipes fixed inputs through join programs on Kafka Streams' own TopologyTestDriver and prints every output
 * record as "key<TAB>value<TAB>timestamp" under "=== <scenario>" (sections "---" per output topic), so that
 * src/dsl/joins.java.test.ts can compare Tributary's outputs. The inputs here are the same as there.
 */
public class JoinDriverOutputs {
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
    // A state directory of its own: other reference programs may run at the same time with the same app id.
    try {
      p.put(StreamsConfig.STATE_DIR_CONFIG, java.nio.file.Files.createTempDirectory("join-parity").toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // Scan the outer-join store on every record (the default throttles by wall-clock time, frozen in the driver).
    p.put("__emit.interval.ms.kstreams.outer.join.spurious.results.fix__", 0L);
    return p;
  }

  static String j(String a, String b) {
    return a + "+" + b;
  }

  static void print(TopologyTestDriver d, String... topics) {
    boolean first = true;
    for (String topic : topics) {
      if (!first) System.out.println("---");
      first = false;
      TestOutputTopic<String, String> out = d.createOutputTopic(topic, Serdes.String().deserializer(), Serdes.String().deserializer());
      for (TestRecord<String, String> r : out.readRecordsToList()) {
        System.out.println(r.key() + "\t" + r.value() + "\t" + r.timestamp());
      }
    }
  }

  /** Pipes "topic key value timestamp" rows; value "null" is a null value. */
  static void pipe(TopologyTestDriver d, String[][] rows) {
    for (String[] row : rows) {
      TestInputTopic<String, String> in = d.createInputTopic(row[0], Serdes.String().serializer(), Serdes.String().serializer());
      in.pipeInput(row[1], row[2].equals("null") ? null : row[2], Instant.ofEpochMilli(Long.parseLong(row[3])));
    }
  }

  static final String[][] STREAM_TABLE = {
    {"orders", "c1", "o1", "10"},
    {"customers", "c1", "alice", "20"},
    {"orders", "c1", "o2", "15"},
    {"orders", "c2", "o3", "30"},
    {"customers", "c2", "bob", "40"},
    {"orders", "c2", "o4", "35"},
    {"customers", "c1", "null", "50"},
    {"orders", "c1", "o5", "60"},
    {"orders", "c2", "null", "70"},
  };

  static final String[][] STREAM_STREAM = {
    {"left", "A", "a1", "100"},
    {"right", "A", "b1", "105"},
    {"left", "B", "a2", "110"},
    {"right", "A", "b2", "90"},
    {"left", "A", "a3", "120"},
    {"right", "C", "c1", "130"},
    {"left", "A", "a4", "95"},
    {"right", "B", "b3", "300"},
    {"left", "A", "a5", "150"},
    {"left", "C", "a6", "190"},
    {"right", "D", "d1", "400"},
    {"left", "B", "a7", "250"},
    {"right", "B", "b4", "200"},
    {"left", "E", "a8", "500"},
  };

  static final String[][] TABLE_TABLE = {
    {"ta", "k1", "x1", "10"},
    {"tb", "k1", "y1", "20"},
    {"tb", "k2", "y2", "15"},
    {"ta", "k1", "x2", "30"},
    {"ta", "k2", "x3", "5"},
    {"tb", "k1", "null", "40"},
    {"ta", "k1", "null", "50"},
    {"tb", "k2", "y1", "60"},
    {"ta", "k3", "x1", "70"},
  };

  static final String[][] FK = {
    {"fk-orders", "o1", "c1:10", "10"},
    {"fk-customers", "c1", "alice", "20"},
    {"fk-orders", "o2", "c2:20", "30"},
    {"fk-customers", "c2", "bob", "40"},
    {"fk-orders", "o1", "c2:11", "50"},
    {"fk-customers", "c2", "bobby", "60"},
    {"fk-orders", "o3", "c3:5", "70"},
    {"fk-customers", "c1", "null", "80"},
    {"fk-orders", "o2", "null", "90"},
    {"fk-customers", "c3", "carl", "100"},
    {"fk-orders", "o3", "c1:6", "110"},
  };

  static void run(String name) {
    StreamsBuilder b = new StreamsBuilder();
    String[][] rows;
    String[] outputs;
    switch (name) {
      case "stream-table": {
        KTable<String, String> customers = b.table("customers");
        KStream<String, String> orders = b.stream("orders");
        orders.join(customers, JoinDriverOutputs::j).to("inner");
        orders.leftJoin(customers, JoinDriverOutputs::j).to("left");
        rows = STREAM_TABLE;
        outputs = new String[] {"inner", "left"};
        break;
      }
      case "stream-stream-inner": {
        KStream<String, String> l = b.stream("left");
        KStream<String, String> r = b.stream("right");
        l.join(r, JoinDriverOutputs::j, JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(20), Duration.ofMillis(30))).to("out");
        rows = STREAM_STREAM;
        outputs = new String[] {"out"};
        break;
      }
      case "stream-stream-left": {
        KStream<String, String> l = b.stream("left");
        KStream<String, String> r = b.stream("right");
        l.leftJoin(r, JoinDriverOutputs::j, JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(20), Duration.ofMillis(30))).to("out");
        rows = STREAM_STREAM;
        outputs = new String[] {"out"};
        break;
      }
      case "stream-stream-left-asymmetric": {
        KStream<String, String> l = b.stream("left");
        KStream<String, String> r = b.stream("right");
        l.leftJoin(r, JoinDriverOutputs::j, JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(10)).after(Duration.ofMillis(40))).to("out");
        rows = STREAM_STREAM;
        outputs = new String[] {"out"};
        break;
      }
      case "stream-stream-outer": {
        KStream<String, String> l = b.stream("left");
        KStream<String, String> r = b.stream("right");
        l.outerJoin(r, JoinDriverOutputs::j, JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(20), Duration.ofMillis(10))).to("out");
        rows = STREAM_STREAM;
        outputs = new String[] {"out"};
        break;
      }
      case "table-table": {
        KTable<String, String> ta = b.table("ta");
        KTable<String, String> tb = b.table("tb");
        ta.join(tb, JoinDriverOutputs::j).toStream().to("inner");
        ta.leftJoin(tb, JoinDriverOutputs::j).toStream().to("left");
        KTable<String, String> outer = ta.outerJoin(tb, JoinDriverOutputs::j);
        outer.toStream().to("outer");
        outer.groupBy((k, v) -> KeyValue.pair(v.substring(0, 2), v))
            .count()
            .toStream()
            .mapValues(v -> String.valueOf(v))
            .to("outer-counts");
        rows = TABLE_TABLE;
        outputs = new String[] {"inner", "left", "outer", "outer-counts"};
        break;
      }
      case "table-table-left-materialized-sum": {
        KTable<String, String> ta = b.table("ta");
        KTable<String, String> tb = b.table("tb");
        ta.leftJoin(tb, JoinDriverOutputs::j, Materialized.as("joined"))
            .groupBy((k, v) -> KeyValue.pair(v.endsWith("null") ? "unmatched" : "matched", String.valueOf(v.length())))
            .reduce((a, v) -> String.valueOf(Integer.parseInt(a) + Integer.parseInt(v)),
                    (a, v) -> String.valueOf(Integer.parseInt(a) - Integer.parseInt(v)))
            .toStream()
            .to("sums");
        rows = TABLE_TABLE;
        outputs = new String[] {"sums"};
        break;
      }
      case "stream-table-rekeyed": {
        KTable<String, String> customers = b.table("customers");
        b.<String, String>stream("orders").selectKey((k, v) -> v == null ? k : v.substring(0, 1))
            .leftJoin(customers, JoinDriverOutputs::j).to("left");
        rows = STREAM_TABLE;
        outputs = new String[] {"left"};
        break;
      }
      case "fk-join": {
        KTable<String, String> orders = b.table("fk-orders");
        KTable<String, String> customers = b.table("fk-customers");
        orders.join(customers, v -> v.split(":")[0], JoinDriverOutputs::j).toStream().to("inner");
        orders.leftJoin(customers, v -> v.split(":")[0], JoinDriverOutputs::j).toStream().to("left");
        rows = FK;
        outputs = new String[] {"inner", "left"};
        break;
      }
      default:
        throw new IllegalArgumentException("unknown scenario " + name);
    }
    try (TopologyTestDriver d = new TopologyTestDriver(b.build(), props())) {
      pipe(d, rows);
      print(d, outputs);
    }
  }
}
