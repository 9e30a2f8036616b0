package dev.tributary.bench;

/**
 * Entry point of the Java side of `npm run bench`. Usage: StreamsBench WORKLOAD --name value ...
 * Prints exactly one JSON line on stdout (logs go to stderr) and exits 0, or exits non-zero with the
 * reason on stderr.
 *
 *   topics               --bootstrap B --create name:partitions,...
 *   load                 --bootstrap B --topic T[,T2] --records N [--value-size 100] [--keys 10000] [--distinct-keys true]
 *                        [--records-per-ms R --base-timestamp MS] (event timestamps MS + i / R)
 *   raw-consume          --bootstrap B --source T --records N
 *   raw-consume-produce  --bootstrap B --source T --sink S --records N
 *   passthrough          --bootstrap B --source T --sink S --records N --app-id A --state-dir D [--threads 1]
 *                        [--guarantee at_least_once|exactly_once_v2]
 *   kv-store | count | windowed-count | window-store
 *                        --bootstrap B --source T --records N --app-id A --state-dir D [--store rocksdb|memory]
 *   stream-table-join | stream-stream-join | table-table-join
 *                        the same and --source2 T2 (co-partitioned with T; the meter expects 2 × N input records)
 */
public final class StreamsBench {
    public static void main(String[] argv) throws Exception {
        if (argv.length < 1) {
            System.err.println("usage: StreamsBench WORKLOAD --name value ... (see StreamsBench.java)");
            System.exit(2);
        }
        String workload = argv[0];
        BenchArgs args = new BenchArgs(argv, 1);
        String result = switch (workload) {
            case "topics" -> Topics.create(args);
            case "load" -> Loader.run(args);
            case "raw-consume" -> RawClients.consume(args, false);
            case "raw-consume-produce" -> RawClients.consume(args, true);
            default -> StreamsWorkloads.run(workload, args);
        };
        System.out.println(result);
        System.out.flush();
        // Kafka Streams and client threads may linger after close; the result is out, so leave now.
        System.exit(0);
    }
}
