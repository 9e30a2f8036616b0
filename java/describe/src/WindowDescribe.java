import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.*;

/**
 * Prints Kafka Streams' Topology.describe() for the time-windowed programs that
 * src/dsl/time-windowed-kstream.java.test.ts builds with Tributary, under "=== <name>" lines.
 */
public class WindowDescribe {
  public static void main(String[] args) {
    for (String name : args) {
      System.out.println("=== " + name);
      System.out.print(build(name).describe());
    }
  }

  static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  static Topology build(String name) {
    StreamsBuilder b = new StreamsBuilder();
    switch (name) {
      case "hopping-count": {
        b.<String, String>stream("in").groupByKey()
            .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)).advanceBy(ms(5)))
            .count()
            .toStream()
            .to("out");
        break;
      }
      case "count-unnamed-materialized": {
        b.<String, String>stream("in").groupByKey()
            .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
            .count(Materialized.with(Serdes.String(), Serdes.Long()))
            .toStream()
            .to("out");
        break;
      }
      case "tumbling-aggregate-repartition": {
        b.<String, String>stream("in").groupBy((k, v) -> v)
            .windowedBy(TimeWindows.ofSizeAndGrace(ms(10), ms(5)))
            .aggregate(() -> "", (k, v, agg) -> agg + v, Materialized.as("agg-store"))
            .toStream()
            .to("out");
        break;
      }
      case "sliding-count-repartition": {
        b.<String, String>stream("in").selectKey((k, v) -> v).groupByKey()
            .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(ms(10)))
            .count()
            .toStream()
            .to("out");
        break;
      }
      case "named-reduce-and-sliding-aggregate": {
        KGroupedStream<String, String> g = b.<String, String>stream("in").groupBy((k, v) -> v, Grouped.as("by-value"));
        g.windowedBy(TimeWindows.ofSizeWithNoGrace(ms(100)).advanceBy(ms(10)))
            .reduce((a, v) -> a + v, Named.as("hop-reduce"), Materialized.as("reduced"))
            .toStream(Named.as("reduced-stream"))
            .to("reduced-out");
        g.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(ms(50), ms(20)))
            .aggregate(() -> "", (k, v, agg) -> agg + v)
            .toStream()
            .to("slid-out");
        break;
      }
      case "windowed-count-then-filter": {
        b.<String, String>stream("in").groupByKey()
            .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
            .emitStrategy(EmitStrategy.onWindowClose())
            .count(Materialized.as("closing"))
            .filter((k, v) -> v > 1)
            .toStream()
            .to("out");
        break;
      }
      case "count-with-window-store-supplier": {
        b.<String, String>stream("in").groupByKey()
            .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(1000)).advanceBy(ms(500)))
            .count(Materialized.as(org.apache.kafka.streams.state.Stores.inMemoryWindowStore("hops", ms(3000), ms(1000), false)))
            .toStream()
            .to("out");
        break;
      }
      case "cogroup-windowed": {
        KGroupedStream<String, String> a = b.<String, String>stream("a").groupByKey();
        KGroupedStream<String, String> c = b.<String, String>stream("c").groupBy((k, v) -> v);
        a.<String>cogroup((k, v, agg) -> agg + v)
            .cogroup(c, (k, v, agg) -> agg + v)
            .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
            .aggregate(() -> "", Materialized.as("cog"))
            .toStream()
            .to("out");
        break;
      }
      case "cogroup-repartition-unwindowed": {
        KGroupedStream<String, String> a = b.<String, String>stream("a").groupBy((k, v) -> v);
        KGroupedStream<String, String> c = b.<String, String>stream("c").groupByKey();
        a.<String>cogroup((k, v, agg) -> agg + v)
            .cogroup(c, (k, v, agg) -> agg + v)
            .aggregate(() -> "")
            .toStream()
            .to("out");
        break;
      }
      case "cogroup-sliding-named": {
        KGroupedStream<String, String> a = b.<String, String>stream("a").groupByKey();
        KGroupedStream<String, String> c = b.<String, String>stream("c").groupByKey();
        a.<String>cogroup((k, v, agg) -> agg + v)
            .cogroup(c, (k, v, agg) -> agg + v)
            .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(ms(10)))
            .aggregate(() -> "", Named.as("slide"))
            .toStream()
            .to("out");
        break;
      }
      default:
        throw new IllegalArgumentException("unknown topology " + name);
    }
    return b.build();
  }
}
