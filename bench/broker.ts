import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');

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

/**
 * Starts one single-node KRaft broker with the project's harness. `bootstrap` given: use that running
 * broker instead (nothing is started or stopped).
 */
export async function startBenchBroker(bootstrap?: string): Promise<BenchBroker> {
  if (bootstrap) {
    return { bootstrap, kafkaVersion: 'unknown (external)', pids: [], origin: 'external', stop: async () => {} };
  }
  if (existsSync(resolve(ROOT, 'src/harness/kafka-cluster.ts'))) return startWithHarnessModule();
  return startWithScript();
}

/** src/harness/kafka-cluster.ts, the harness's TypeScript front (loaded by path while it is being written). */
async function startWithHarnessModule(): Promise<BenchBroker> {
  const modulePath = resolve(ROOT, 'src/harness/kafka-cluster.ts');
  const harness = (await import(modulePath)) as { startKafkaCluster: (options: { nodes: number }) => Promise<any> };
  const cluster = await harness.startKafkaCluster({ nodes: 1 });
  const bootstrap: string = cluster.bootstrap ?? cluster.bootstrapServers ?? cluster.env?.KAFKA_BOOTSTRAP;
  if (typeof bootstrap !== 'string') throw new Error('startKafkaCluster returned no bootstrap address');
  const pids: number[] = Array.isArray(cluster.pids) ? cluster.pids.map(Number) : [];
  return {
    bootstrap,
    kafkaVersion: String(cluster.kafkaVersion ?? cluster.version ?? 'unknown'),
    pids,
    origin: 'src/harness/kafka-cluster.ts startKafkaCluster({ nodes: 1 })',
    stop: async () => {
      await (cluster.stop ?? cluster.close).call(cluster);
    },
  };
}

/** harness/start-kafka.sh --port auto, whose stdout is KEY=VALUE lines. */
async function startWithScript(): Promise<BenchBroker> {
  const { stdout } = await run('bash', [resolve(ROOT, 'harness/start-kafka.sh'), '--port', 'auto'], {
    cwd: ROOT,
    timeout: 120_000,
  });
  const env = Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  if (!env.KAFKA_BOOTSTRAP || !env.KAFKA_BASE_DIR)
    throw new Error(`harness/start-kafka.sh printed no address:\n${stdout}`);
  return {
    bootstrap: env.KAFKA_BOOTSTRAP,
    kafkaVersion: env.KAFKA_VERSION ?? 'unknown',
    pids: (env.KAFKA_PIDS ?? '').split(',').filter(Boolean).map(Number),
    origin: 'harness/start-kafka.sh --port auto',
    stop: async () => {
      await run('bash', [resolve(ROOT, 'harness/stop-kafka.sh'), '--dir', env.KAFKA_BASE_DIR, '--kill'], { cwd: ROOT });
    },
  };
}
