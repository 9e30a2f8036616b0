import { startKafkaCluster } from '../src/harness/kafka-cluster.ts';

/** The one real Kafka broker a bench run uses. */
export interface BenchBroker {
  readonly bootstrap: string;
  readonly kafkaVersion: string;
  /** Pids of the broker JVMs (for the broker's own CPU figure); empty when not known. */
  readonly pids: readonly number[];
  /** How it was started, for the report. */
  readonly origin: string;
  stop(): Promise<void>;
}

/** The broker's heap: 1 GiB, so that broker GC does not weigh on either side. */
const BROKER_HEAP = '-Xmx1g -Xms1g';

/**
 * Starts one single-node KRaft broker with the project's harness (src/harness/kafka-cluster.ts).
 * `bootstrap` given: use that running broker instead (nothing is started or stopped).
 */
export async function startBenchBroker(bootstrap?: string): Promise<BenchBroker> {
  if (bootstrap) {
    return { bootstrap, kafkaVersion: 'unknown (external)', pids: [], origin: 'external', stop: async () => {} };
  }
  const cluster = await startKafkaCluster({ nodes: 1, heapOpts: BROKER_HEAP });
  return {
    bootstrap: cluster.bootstrap,
    kafkaVersion: cluster.version,
    pids: cluster.pids,
    origin: `harness startKafkaCluster({ nodes: 1 }), broker heap ${BROKER_HEAP}`,
    stop: () => cluster.stop(),
  };
}
