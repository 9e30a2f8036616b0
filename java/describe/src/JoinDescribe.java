import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.*;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Prints Kafka Streams' Topology.describe() for every kind of join, under "=== <name>" lines, so that
 * src/dsl/joins.java.test.ts can compare Tributary's describe() of the same programs.
 */
public class JoinDescribe {
  public static void main(String[] args) {
    for (String name : args) {
      System.out.println("=== " + name);
      System.out.print(build(name).describe());
    }
  }

  static JoinWindows w(long ms) {
    return JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(ms));
  }

  static Topology build(String name) {
    StreamsBuilder b = new StreamsBuilder();
    switch (name) {
      case "stream-table": {
        KTable<String, String> t = b.table("customers");
        b.<String, String>stream("orders").join(t, (o, c) -> o + c).to("out");
        b.<String, String>stream("orders2").leftJoin(t, (o, c) -> o + c).to("out2");
        break;
      }
      case "stream-table-named": {
        KTable<String, String> t = b.table("customers", Materialized.as("cust"));
        b.<String, String>stream("orders").join(t, (o, c) -> o + c, Joined.as("enrich")).to("out");
        break;
      }
      case "stream-table-repartition": {
        KTable<String, String> t = b.table("customers");
        KStream<String, String> s = b.<String, String>stream("orders").selectKey((k, v) -> v);
        s.join(t, (o, c) -> o + c).to("out");
        s.leftJoin(t, (o, c) -> o + c).to("out2");
        b.<String, String>stream("orders3").selectKey((k, v) -> v)
            .join(t, (o, c) -> o + c, Joined.with(Serdes.String(), Serdes.String(), Serdes.String()).withName("named-join"))
            .to("out3");
        break;
      }
      case "stream-table-derived": {
        KTable<String, String> t = b.<String, String>table("customers").filter((k, v) -> true).mapValues(v -> v + "!");
        b.<String, String>stream("orders").join(t, (o, c) -> o + c).to("out");
        break;
      }
      case "stream-global": {
        GlobalKTable<String, String> g = b.globalTable("products");
        KStream<String, String> s = b.stream("orders");
        s.join(g, (k, v) -> v, (o, p) -> o + p).to("out");
        s.leftJoin(g, (k, v) -> v, (o, p) -> o + p, Named.as("gl")).to("out2");
        break;
      }
      case "table-table": {
        KTable<String, String> a = b.table("a");
        KTable<String, String> c = b.table("c");
        a.join(c, (x, y) -> x + y).toStream().to("inner");
        a.leftJoin(c, (x, y) -> x + y, Materialized.as("left-store")).toStream().to("left");
        a.outerJoin(c, (x, y) -> x + y, Named.as("outer")).toStream().to("outer");
        break;
      }
      case "table-table-materialized": {
        KTable<String, String> a = b.table("a");
        KTable<String, String> c = b.table("c");
        a.outerJoin(c, (x, y) -> x + y, Materialized.with(Serdes.String(), Serdes.String()))
            .groupBy((k, v) -> KeyValue.pair(v, v))
            .count()
            .toStream()
            .to("counts", Produced.with(Serdes.String(), Serdes.Long()));
        break;
      }
      case "table-table-chain": {
        KTable<String, String> a = b.table("a");
        KTable<String, String> c = b.table("c");
        KTable<String, String> d = b.table("d");
        KTable<String, String> ac = a.join(c, (x, y) -> x + y);
        ac.leftJoin(d, (x, y) -> x + y).toStream().to("out");
        b.<String, String>stream("s").join(ac, (x, y) -> x + y).to("out2");
        break;
      }
      case "stream-stream": {
        KStream<String, String> l = b.stream("left");
        KStream<String, String> r = b.stream("right");
        l.join(r, (x, y) -> x + y, w(100)).to("inner");
        break;
      }
      case "stream-stream-left": {
        KStream<String, String> l = b.stream("left");
        KStream<String, String> r = b.stream("right");
        l.leftJoin(r, (x, y) -> x + y, JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(100), Duration.ofMillis(50)).before(Duration.ofMillis(20))).to("left-out");
        break;
      }
      case "stream-stream-outer": {
        KStream<String, String> l = b.stream("left");
        KStream<String, String> r = b.stream("right");
        l.outerJoin(r, (x, y) -> x + y, w(100).after(Duration.ofMillis(30))).to("outer-out");
        break;
      }
      case "stream-stream-named": {
        KStream<String, String> l = b.stream("left");
        KStream<String, String> r = b.stream("right");
        l.leftJoin(r, (x, y) -> x + y, w(100),
            StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.String()).withName("lj").withStoreName("ljs")).to("o1");
        l.outerJoin(r, (x, y) -> x + y, w(100), StreamJoined.<String, String, String>as("oj")).to("o2");
        l.join(r, (x, y) -> x + y, w(100), StreamJoined.<String, String, String>as("ij").withName("ijn")).to("o3");
        break;
      }
      case "stream-stream-repartition": {
        KStream<String, String> l = b.<String, String>stream("left").selectKey((k, v) -> v);
        KStream<String, String> r = b.<String, String>stream("right").map((k, v) -> KeyValue.pair(v, k));
        l.join(r, (x, y) -> x + y, w(100)).to("o1");
        l.outerJoin(r, (x, y) -> x + y, w(100), StreamJoined.<String, String, String>as("st").withName("nm")).to("o2");
        break;
      }
      case "stream-stream-suppliers": {
        KStream<String, String> l = b.stream("left");
        KStream<String, String> r = b.stream("right");
        l.leftJoin(r, (x, y) -> x + y, w(100), StreamJoined.with(
            org.apache.kafka.streams.state.Stores.inMemoryWindowStore("this-win", Duration.ofMillis(200), Duration.ofMillis(200), true),
            org.apache.kafka.streams.state.Stores.inMemoryWindowStore("other-win", Duration.ofMillis(200), Duration.ofMillis(200), true))).to("o");
        break;
      }
      case "fk-join": {
        KTable<String, String> orders = b.table("orders");
        KTable<String, String> customers = b.table("customers");
        orders.join(customers, v -> v.split(":")[0], (o, c) -> o + c).toStream().to("out");
        break;
      }
      case "fk-join-named": {
        KTable<String, String> orders = b.table("orders");
        KTable<String, String> customers = b.table("customers");
        orders.leftJoin(customers, v -> v.split(":")[0], (o, c) -> o + c, TableJoined.as("fk"), Materialized.as("fk-result"))
            .toStream().to("out");
        break;
      }
      default:
        throw new IllegalArgumentException("unknown join topology " + name);
    }
    return b.build();
  }
}
