/**
 * `tributary kafka ...`: a real local Kafka from the harness, no Docker.
 *
 *   tributary kafka start [--nodes 1|3] [--port auto|N] [--dir D] [--heap=OPTS] [--detach]
 *   tributary kafka stop --dir D [--kill]
 *   tributary kafka fetch
 */
import { parseArgs } from 'node:util';
import { fetchKafkaJars, type KafkaCluster, startKafkaCluster, stopKafkaCluster } from '../harness/kafka-cluster.ts';
import { UsageError } from './usage-error.ts';

export const KAFKA_HELP = `Usage:
  tributary kafka start [options]   start a local Apache Kafka (KRaft) and print its address
  tributary kafka stop --dir DIR    stop a cluster started with --detach and delete its directory
  tributary kafka fetch             download the Kafka jars with Maven (start does this when needed)

Options of start:
  --nodes 1|3        number of brokers (3: replication factor 3, min.insync.replicas 2)   [1]
  --port auto|N      broker port of node 1 (node i uses N+i-1), or free ports            [auto]
  --dir DIR          data and log directory (must be empty)                               [a new temp dir]
  --heap=OPTS        JVM heap flags per broker, e.g. --heap='-Xmx1g -Xms1g'              [-Xmx512m -Xms512m]
  --detach           start, print the address and directory, and return; stop with 'kafka stop --dir'
  Without --detach it stays in the foreground until Ctrl-C, then stops Kafka and deletes its directory.

Options of stop:
  --dir DIR          the directory printed by 'kafka start --detach' (KAFKA_BASE_DIR)
  --kill             SIGKILL instead of a controlled shutdown

Needs Java 17+ (and Maven once, to fetch the jars). Output on stdout is KEY=VALUE lines (eval-able).`;

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** parseArgs with errors that name the flag and the command. */
function parse<T extends Record<string, { type: 'string' | 'boolean' }>>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown)
      throw new UsageError(`unknown option ${unknown[1]} for 'tributary ${command}' (see 'tributary kafka --help')`);
    const positional = /Unexpected argument '([^']+)'/.exec(message);
    if (positional) throw new UsageError(`unexpected argument '${positional[1]}' for 'tributary ${command}'`);
    throw new UsageError(`${message.replace(/\. To specify.*$/s, '')} (tributary ${command})`);
  }
}

function parseNodes(text: string | undefined): 1 | 3 {
  if (text === undefined || text === '1') return 1;
  if (text === '3') return 3;
  throw new UsageError(`--nodes must be 1 or 3, got '${text}'`);
}

function parsePort(text: string | undefined): number | 'auto' {
  if (text === undefined || text === 'auto') return 'auto';
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535)
    throw new UsageError(`--port must be 'auto' or a port number, got '${text}'`);
  return port;
}

function printEnv(cluster: KafkaCluster): void {
  process.stdout.write(
    `KAFKA_BOOTSTRAP=${cluster.bootstrap}\nKAFKA_BASE_DIR=${cluster.baseDir}\nKAFKA_VERSION=${cluster.version}\nKAFKA_PIDS=${cluster.pids.join(',')}\n`,
  );
}

async function start(args: string[]): Promise<number> {
  const values = parse('kafka start', args, {
    nodes: { type: 'string' },
    port: { type: 'string' },
    dir: { type: 'string' },
    heap: { type: 'string' },
    detach: { type: 'boolean' },
  });
  const nodes = parseNodes(values.nodes as string | undefined);
  const port = parsePort(values.port as string | undefined);
  const detach = values.detach === true;

  // Ctrl-C while starting: exiting runs the harness's exit hook, which stops the half-started nodes.
  let cluster: KafkaCluster | undefined;
  let stopping: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!cluster) {
      log(`\n${signal} while starting: stopping`);
      process.exit(130);
    }
    if (stopping) return;
    log(`\n${signal}: stopping Kafka`);
    stopping = cluster.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  cluster = await startKafkaCluster({
    nodes,
    port,
    dir: values.dir as string | undefined,
    heapOpts: values.heap as string | undefined,
    handleSignals: false,
    stopOnExit: !detach,
    onLog: log,
  });
  printEnv(cluster);
  if (detach) {
    log(
      `Kafka ${cluster.version} runs in the background; stop it with: npx tributary kafka stop --dir ${cluster.baseDir}`,
    );
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    return 0;
  }
  log(`Kafka ${cluster.version} at ${cluster.bootstrap} (${nodes} node${nodes === 1 ? '' : 's'}). Ctrl-C to stop.`);
  // Stay in the foreground until a signal starts the stop, or a broker dies on its own.
  const running = cluster;
  const crashed = await new Promise<number | undefined>((resolve) => {
    const check = setInterval(() => {
      if (stopping) {
        clearInterval(check);
        resolve(undefined);
        return;
      }
      const dead = running.pids.findIndex((pid) => !isAlive(pid));
      if (dead >= 0) {
        clearInterval(check);
        resolve(dead + 1);
      }
    }, 500);
  });
  if (crashed !== undefined) {
    log(
      `Kafka node ${crashed} exited on its own; see ${running.baseDir}/node${crashed}/logs/server.log. Stopping the rest.`,
    );
    await running.stop({ keepDir: true });
    log(`Stopped. Logs kept in ${running.baseDir}`);
    return 1;
  }
  await stopping;
  log('Kafka stopped and its directory deleted.');
  return 0;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stop(args: string[]): Promise<number> {
  const values = parse('kafka stop', args, { dir: { type: 'string' }, kill: { type: 'boolean' } });
  const dir = values.dir as string | undefined;
  if (!dir)
    throw new UsageError("'tributary kafka stop' needs --dir DIR (the KAFKA_BASE_DIR printed by 'kafka start')");
  await stopKafkaCluster(dir, { kill: values.kill === true, onLog: log });
  return 0;
}

export async function kafkaCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'start':
      return start(rest);
    case 'stop':
      return stop(rest);
    case 'fetch':
      parse('kafka fetch', rest, {});
      await fetchKafkaJars(log);
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${KAFKA_HELP}\n`);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command 'tributary kafka ${sub}' (commands: start, stop, fetch)`);
  }
}
