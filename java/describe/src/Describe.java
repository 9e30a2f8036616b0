import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.*;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Prints Kafka Streams' Topology.describe() for the topologies Tributary builds too, separated by lines
 * "=== <name>", so a test can compare the texts. Each topology mirrors one in examples/ or a DSL test.
 */
public class Describe {
  public static void main(String[] args) {
    for (String name : args) {
      System.out.println("=== " + name);
      System.out.print(build(name).describe());
    }
  }

  static Topology build(String name) {
    StreamsBuilder b = new StreamsBuilder();
    switch (name) {
      case "word-count": {
        KStream<String, String> lines = b.stream("text-lines");
        lines.flatMapValues(v -> Arrays.asList(v.toLowerCase(Locale.ROOT).split("\\W+")))
            .groupBy((k, w) -> w)
            .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("counts-store"))
            .toStream()
            .to("word-counts", Produced.with(Serdes.String(), Serdes.Long()));
        break;
      }
      case "filter-map-split": {
        KStream<String, String> orders = b.stream("orders");
        var branches = orders.filter((k, v) -> v != null)
            .mapValues(v -> v)
            .split(Named.as("by-size-"))
            .branch((k, v) -> v.length() > 3, Branched.as("large"))
            .defaultBranch(Branched.as("small"));
        branches.get("by-size-large").to("large-orders");
        branches.get("by-size-small").to("small-orders");
        break;
      }
      case "page-views": {
        KStream<String, String> views = b.stream("page-views");
        views.groupBy((k, v) -> v, Grouped.as("views-by-user"))
            .count(Materialized.as("views-per-user"))
            .toStream()
            .to("views-per-user-counts", Produced.with(Serdes.String(), Serdes.Long()));
        break;
      }
      case "unnamed-count": {
        b.<String, String>stream("in").selectKey((k, v) -> v).groupByKey().count().toStream().to("out");
        break;
      }
      case "stateless-chain": {
        KStream<String, String> s = b.stream("in");
        s.filter((k, v) -> true).filterNot((k, v) -> false).map((k, v) -> KeyValue.pair(k, v))
            .flatMap((k, v) -> Arrays.asList(KeyValue.pair(k, v))).peek((k, v) -> {}).selectKey((k, v) -> k)
            .flatMapValues(v -> Arrays.asList(v)).to("out");
        s.foreach((k, v) -> {});
        break;
      }
      case "merge-split": {
        KStream<String, String> a = b.stream("a");
        KStream<String, String> c = b.stream("c");
        var m = a.merge(c);
        var br = m.split().branch((k, v) -> v.startsWith("x")).branch((k, v) -> v.startsWith("y")).defaultBranch();
        new java.util.TreeMap<>(br).values().forEach(s -> s.to("out"));
        break;
      }
      case "repartition": {
        b.<String, String>stream("in").repartition().to("out");
        b.<String, String>stream("in2").repartition(Repartitioned.<String, String>as("named").withNumberOfPartitions(3)).to("out2");
        break;
      }
      case "reduce-aggregate": {
        KStream<String, String> s = b.stream("in");
        KGroupedStream<String, String> g = s.groupByKey();
        g.reduce((x, y) -> x + y).toStream().to("reduced");
        g.aggregate(() -> "", (k, v, agg) -> agg + v, Materialized.as("agg-store")).toStream().to("aggregated");
        break;
      }
      case "table-groupby": {
        KTable<String, String> t = b.table("users");
        t.groupBy((k, v) -> KeyValue.pair(v, k)).count().toStream().to("users-per-region");
        break;
      }
      case "table-ops": {
        KTable<String, String> t = b.table("t", Materialized.as("t-store"));
        t.filter((k, v) -> v != null).mapValues(v -> v).toStream().to("out");
        break;
      }
      case "to-table": {
        b.<String, String>stream("in").toTable().toStream().to("out");
        b.<String, String>stream("in2").selectKey((k, v) -> v).toTable(Materialized.as("tt")).toStream().to("out2");
        break;
      }
      case "cogroup": {
        KGroupedStream<String, String> g1 = b.<String, String>stream("one").groupByKey();
        KGroupedStream<String, String> g2 = b.<String, String>stream("two").groupByKey();
        g1.cogroup((String k, String v, String agg) -> agg + v)
            .cogroup(g2, (k, v, agg) -> agg + v)
            .aggregate(() -> "", Materialized.as("cogrouped"))
            .toStream().to("out");
        break;
      }
      case "process": {
        b.<String, String>stream("in").process(() -> new org.apache.kafka.streams.processor.api.Processor<String, String, String, String>() {
          public void process(org.apache.kafka.streams.processor.api.Record<String, String> r) {}
        }).processValues(() -> new org.apache.kafka.streams.processor.api.FixedKeyProcessor<String, String, String>() {
          public void process(org.apache.kafka.streams.processor.api.FixedKeyRecord<String, String> r) {}
        }).to("out");
        break;
      }
      case "probe-split-named": {
        var br = b.<String, String>stream("in").split(Named.as("s-")).branch((k, v) -> true, Branched.as("a")).noDefaultBranch();
        br.get("s-a").to("out");
        break;
      }
      case "probe-split-one": {
        var br = b.<String, String>stream("in").split().branch((k, v) -> true).noDefaultBranch();
        new java.util.TreeMap<>(br).values().forEach(s -> s.to("out"));
        break;
      }
      case "probe-named-filter": {
        b.<String, String>stream("in", Consumed.as("src")).filter((k, v) -> true, Named.as("f")).to("out", Produced.as("snk"));
        break;
      }
      case "probe-table-plain": {
        b.<String, String>table("t").toStream().to("out");
        break;
      }
      case "probe-table-filter-groupby": {
        b.<String, String>table("t").filter((k, v) -> true).groupBy((k, v) -> KeyValue.pair(v, v), Grouped.as("g")).reduce((x, y) -> x + y, (x, y) -> x).toStream().to("out");
        break;
      }
      case "probe-groupby-named-count": {
        b.<String, String>stream("in").groupBy((k, v) -> v).count(Named.as("cnt")).toStream().to("out");
        break;
      }
      case "probe-to-extractor": {
        b.<String, String>stream("in").to((k, v, c) -> "x");
        break;
      }
      case "probe-pattern": {
        b.<String, String>stream(java.util.regex.Pattern.compile("in-.*")).to("out");
        break;
      }
      case "probe-multi-topic": {
        b.<String, String>stream(Arrays.asList("b-topic", "a-topic")).to("out");
        break;
      }
      case "probe-split-chain": {
        b.<String, String>stream("in").split().branch((k, v) -> true, Branched.withConsumer(s -> s.to("x"))).defaultBranch(Branched.withFunction(s -> s.mapValues(v -> v)));
        break;
      }
      case "probe-table-named-source": {
        b.<String, String>table("t", Consumed.as("ts"), Materialized.as("tstore")).toStream().to("out");
        break;
      }
      case "probe-named-stream-aggregations": {
        KGroupedStream<String, String> g = b.<String, String>stream("in").selectKey((k, v) -> v).groupByKey(Grouped.as("g"));
        g.reduce((x, y) -> x + y, Named.as("red"), Materialized.as("rs")).toStream(Named.as("ts1")).to("out1");
        g.aggregate(() -> "", (k, v, a) -> a + v, Named.as("agg"), Materialized.as("as")).toStream().to("out2");
        break;
      }
      case "probe-table-groupby-named": {
        b.<String, String>table("t").groupBy((k, v) -> KeyValue.pair(v, k), Grouped.as("tg"))
            .aggregate(() -> "", (k, v, a) -> a + v, (k, v, a) -> a, Named.as("tagg"), Materialized.as("tstore2"))
            .toStream().to("out");
        break;
      }
      case "probe-cogroup-repartition": {
        KGroupedStream<String, String> g1 = b.<String, String>stream("one").selectKey((k, v) -> v).groupByKey();
        KGroupedStream<String, String> g2 = b.<String, String>stream("two").groupByKey();
        g1.cogroup((String k, String v, String a) -> a + v).cogroup(g2, (k, v, a) -> a + v)
            .aggregate(() -> "", Named.as("co"), Materialized.as("cs")).toStream().to("out");
        break;
      }
      case "probe-totable-named": {
        b.<String, String>stream("in").toTable(Named.as("tt"), Materialized.as("tts")).toStream().to("out");
        break;
      }
      case "probe-ktable-materialized-ops": {
        b.<String, String>table("t").filter((k, v) -> true, Materialized.as("fstore"))
            .mapValues(v -> v, Materialized.with(Serdes.String(), Serdes.String())).toStream().to("out");
        break;
      }
      case "global-table": {
        b.<String, String>globalTable("countries");
        b.<String, String>stream("in").mapValues(v -> v).to("out");
        b.<String, String>globalTable("currencies", Materialized.as("currency-store"));
        break;
      }
      default:
        throw new IllegalArgumentException("unknown topology " + name);
    }
    return b.build();
  }
}
