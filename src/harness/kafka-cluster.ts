/**
 * A real Apache Kafka 4.x cluster on 127.0.0.1 for tests and local development, started from the jars in
 * `harness/lib` by the scripts in `harness/` (KRaft, combined broker+controller nodes, no Docker).
 *
 * ```ts
 * const kafka = await startKafkaCluster({ nodes: 3 });
 * try {
 *   // ... use kafka.bootstrap ...
 *   await kafka.killNode(2); // SIGKILL broker 2; the other two keep serving (RF 3, min.insync.replicas 2)
 *   await kafka.restartNode(2);
 * } finally {
 *   await kafka.stop(); // also happens on process exit, SIGINT and SIGTERM
 * }
 * ```
 *
 * The brokers run detached from this process (their own session), so every started cluster is registered
 * for clean-up: on normal exit, on SIGINT/SIGTERM, and by a small watchdog process that tears the cluster
 * down if this process dies without running any handler (SIGKILL, crash).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding start-kafka.sh, stop-kafka.sh, fetch-kafka.sh and lib/. */
export const HARNESS_DIR: string = fileURLToPath(new URL('../../harness/', import.meta.url));

export interface KafkaClusterOptions {
  /** 1 (RF 1) or 3 (3-voter quorum, RF 3, min.insync.replicas=2). Default 1. */
  readonly nodes?: 1 | 3;
  /** Broker port of node 1 (node i uses port+i-1), or 'auto' for free ports. Default 'auto'. */
  readonly port?: number | 'auto';
  /** Working directory for data and logs; must be empty or absent. Default: a new temporary directory. */
  readonly dir?: string;
  /** Extra broker settings (server.properties keys), applied to every node. */
  readonly brokerConfig?: Readonly<Record<string, string | number | boolean>>;
  /** JVM heap flags per node. Default '-Xmx512m -Xms512m'. */
  readonly heapOpts?: string;
  /** How long to wait for every broker port. Default 60 s for 1 node, 120 s for 3. */
  readonly startTimeoutMs?: number;
  /** Run harness/fetch-kafka.sh first (a no-op when the jars are there). Default true. */
  readonly fetchJars?: boolean;
  /** Keep the working directory after stop() (for post-mortems). Default false. */
  readonly keepDir?: boolean;
  /**
   * Stop the cluster on SIGINT/SIGTERM, then re-raise the signal when nothing else listens for it.
   * Default true. Owners that handle signals themselves (the CLI) pass false and call stop().
   */
  readonly handleSignals?: boolean;
  /**
   * Tear the cluster down when this process ends, however it ends (exit, signal, or SIGKILL via a watchdog).
   * Default true. False leaves a started cluster running on its own (`tributary kafka start --detach`);
   * a failed start is cleaned up either way.
   */
  readonly stopOnExit?: boolean;
  /** Receives the harness scripts' progress lines (stderr). Default: kept, and shown only in errors. */
  readonly onLog?: (line: string) => void;
}

export interface KafkaCluster {
  /** Comma-separated `127.0.0.1:PORT` list of every broker. */
  readonly bootstrap: string;
  /** Broker addresses, node 1 first. */
  readonly brokers: readonly string[];
  /** Kafka version of the jars, e.g. '4.3.1'. */
  readonly version: string;
  readonly clusterId: string;
  /** Directory with each node's server.properties, data and logs (node<i>/logs/server.log). */
  readonly baseDir: string;
  /** JVM pid of each node, node 1 first (updated by restartNode). */
  readonly pids: readonly number[];
  /** SIGKILLs node `nodeId` (1-based, Kafka's node.id) and waits until it is gone. Its data stays. */
  killNode(nodeId: number): Promise<void>;
  /** Controlled shutdown (SIGTERM) of node `nodeId`; waits until it exited. */
  stopNode(nodeId: number): Promise<void>;
  /** Starts a stopped or killed node again on its old ports and data; resolves when its port answers. */
  restartNode(nodeId: number): Promise<void>;
  /** Kills every node and deletes the working directory (kept with `keepDir`). Idempotent. */
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

/** The harness failed: no Java, no jars, a busy port, a broker that died or did not come up in time. */
export class KafkaHarnessError extends Error {
  override name = 'KafkaHarnessError';
}

interface ScriptResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a harness script with bash; resolves with its output whatever the exit code. */
function runScript(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  onLog: ((line: string) => void) | undefined,
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn('bash', [join(HARNESS_DIR, script), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      reject(new KafkaHarnessError(`cannot run bash ${script}: ${(error as Error).message}`));
      return;
    }
    let stdout = '';
    let stderr = '';
    let pendingLine = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (!onLog) return;
      const lines = (pendingLine + chunk).split('\n');
      pendingLine = lines.pop()!;
      for (const line of lines) onLog(line);
    });
    // The script has its own start timeout; this one only guards against a script that hangs outright.
    // SIGTERM lets start-kafka.sh stop the nodes it launched.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new KafkaHarnessError(`cannot run bash ${script}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (onLog && pendingLine) onLog(pendingLine);
      resolve({ code, stdout, stderr });
    });
  });
}

function parseEnvLines(stdout: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return values;
}

function failure(what: string, result: ScriptResult): KafkaHarnessError {
  const tail = result.stderr.trim().split('\n').slice(-40).join('\n');
  return new KafkaHarnessError(`${what} (exit code ${result.code ?? 'killed'})${tail ? `:\n${tail}` : ''}`);
}

// ------------------------------------------------------------------------------------------------ clean-up

interface LiveCluster {
  readonly baseDir: string;
  readonly keepDir: boolean;
  readonly handleSignals: boolean;
  watchdogPid: number | undefined;
}

const liveClusters = new Set<LiveCluster>();
let hooksInstalled = false;

/** Synchronous teardown: the only kind an 'exit' handler can run. */
function stopSync(cluster: LiveCluster): void {
  liveClusters.delete(cluster);
  const args = [join(HARNESS_DIR, 'stop-kafka.sh'), '--dir', cluster.baseDir, '--kill'];
  if (cluster.keepDir) args.push('--keep');
  spawnSync('bash', args, { stdio: 'ignore', timeout: 30_000 });
  killWatchdog(cluster);
}

function killWatchdog(cluster: LiveCluster): void {
  if (cluster.watchdogPid === undefined) return;
  try {
    process.kill(cluster.watchdogPid, 'SIGKILL');
  } catch {
    // already gone
  }
  cluster.watchdogPid = undefined;
}

function onSignal(signal: NodeJS.Signals): void {
  let handled = false;
  for (const cluster of [...liveClusters]) {
    if (!cluster.handleSignals) continue;
    stopSync(cluster);
    handled = true;
  }
  if (!handled) return;
  // Installing a listener disabled the default action (exit). Restore it when we are the only listener.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const cluster of [...liveClusters]) stopSync(cluster);
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** A detached bash loop that tears the cluster down once this process is gone, however it died. */
function startWatchdog(baseDir: string, keepDir: boolean): number | undefined {
  const script =
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec bash "$2" --dir "$3" --kill ' + (keepDir ? '--keep' : '');
  const child = spawn(
    'bash',
    ['-c', script, 'tributary-kafka-watchdog', String(process.pid), join(HARNESS_DIR, 'stop-kafka.sh'), baseDir],
    { detached: true, stdio: 'ignore' },
  );
  child.on('error', () => {});
  child.unref();
  return child.pid;
}

// ------------------------------------------------------------------------------------------------ start

/** Fetches the Kafka jars with Maven unless harness/lib already holds a complete copy. */
export async function fetchKafkaJars(onLog?: (line: string) => void): Promise<void> {
  const result = await runScript('fetch-kafka.sh', [], process.env, 15 * 60_000, onLog);
  if (result.code !== 0) throw failure('could not fetch the Kafka jars (harness/fetch-kafka.sh)', result);
}

/** Formats and starts a real Kafka cluster; resolves once every broker accepts connections. */
export async function startKafkaCluster(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
  const nodes = options.nodes ?? 1;
  if (nodes !== 1 && nodes !== 3) throw new KafkaHarnessError(`nodes must be 1 or 3, got ${String(nodes)}`);
  const port = options.port ?? 'auto';
  if (port !== 'auto' && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new KafkaHarnessError(`port must be 'auto' or a TCP port number, got ${String(port)}`);
  }
  const startTimeoutMs = options.startTimeoutMs ?? (nodes === 1 ? 60_000 : 120_000);
  const keepDir = options.keepDir ?? false;
  const handleSignals = options.handleSignals ?? true;

  if (options.fetchJars ?? true) await fetchKafkaJars(options.onLog);

  // Our own directory (rather than the script's) so that its pid files are known even if start fails.
  const baseDir = options.dir ?? mkdtempSync(join(tmpdir(), 'tributary-kafka-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.heapOpts) env.KAFKA_HEAP_OPTS = options.heapOpts;
  if (options.brokerConfig) {
    env.KAFKA_EXTRA_PROPS = Object.entries(options.brokerConfig)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join('\n');
  }
  const args = [
    '--nodes',
    String(nodes),
    '--port',
    String(port),
    '--dir',
    baseDir,
    '--timeout',
    String(Math.ceil(startTimeoutMs / 1000)),
  ];

  const stopOnExit = options.stopOnExit ?? true;
  installHooks();
  const live: LiveCluster = { baseDir, keepDir, handleSignals, watchdogPid: undefined };
  liveClusters.add(live);
  live.watchdogPid = startWatchdog(baseDir, keepDir);

  const result = await runScript('start-kafka.sh', args, env, startTimeoutMs + 60_000, options.onLog);
  const values = parseEnvLines(result.stdout);
  if (result.code !== 0 || !values.get('KAFKA_BOOTSTRAP')) {
    // stop-kafka.sh deletes the directory once start-kafka.sh marked it as its own; a start that failed
    // before (no Java, busy port) leaves our empty temporary directory, removed here.
    stopSync(live);
    if (options.dir === undefined) rmSync(baseDir, { recursive: true, force: true });
    throw failure(`Kafka (${nodes} node${nodes === 1 ? '' : 's'}) did not start`, result);
  }

  if (!stopOnExit) {
    // From here on the cluster outlives this process: only an explicit stop() or stopKafkaCluster() ends it.
    liveClusters.delete(live);
    killWatchdog(live);
  }

  let pids = values.get('KAFKA_PIDS')!.split(',').map(Number);
  let stopped = false;
  const checkNode = (nodeId: number): void => {
    if (stopped) throw new KafkaHarnessError(`the Kafka cluster in ${baseDir} was already stopped`);
    if (!Number.isInteger(nodeId) || nodeId < 1 || nodeId > nodes) {
      throw new KafkaHarnessError(`no Kafka node ${nodeId}: this cluster has nodes 1..${nodes}`);
    }
  };
  const stopNodeWith = async (nodeId: number, kill: boolean): Promise<void> => {
    checkNode(nodeId);
    const stopArgs = ['--dir', baseDir, '--node', String(nodeId)];
    if (kill) stopArgs.push('--kill');
    const stop = await runScript('stop-kafka.sh', stopArgs, process.env, 60_000, options.onLog);
    if (stop.code !== 0) throw failure(`could not stop Kafka node ${nodeId}`, stop);
  };

  const cluster: KafkaCluster = {
    bootstrap: values.get('KAFKA_BOOTSTRAP')!,
    brokers: values.get('KAFKA_BOOTSTRAP')!.split(','),
    version: values.get('KAFKA_VERSION') ?? 'unknown',
    clusterId: values.get('KAFKA_CLUSTER_ID') ?? '',
    baseDir,
    get pids() {
      return pids;
    },
    killNode: (nodeId) => stopNodeWith(nodeId, true),
    stopNode: (nodeId) => stopNodeWith(nodeId, false),
    async restartNode(nodeId) {
      checkNode(nodeId);
      const restart = await runScript(
        'start-kafka.sh',
        ['--dir', baseDir, '--restart-node', String(nodeId), '--timeout', String(Math.ceil(startTimeoutMs / 1000))],
        env,
        startTimeoutMs + 60_000,
        options.onLog,
      );
      const restarted = parseEnvLines(restart.stdout).get('KAFKA_PIDS');
      if (restart.code !== 0 || !restarted) throw failure(`Kafka node ${nodeId} did not restart`, restart);
      pids = restarted.split(',').map(Number);
    },
    async stop(stopOptions) {
      if (stopped) return;
      stopped = true;
      liveClusters.delete(live);
      const stopArgs = ['--dir', baseDir, '--kill'];
      if (stopOptions?.keepDir ?? keepDir) stopArgs.push('--keep');
      const stop = await runScript('stop-kafka.sh', stopArgs, process.env, 60_000, options.onLog);
      killWatchdog(live);
      if (stop.code !== 0) throw failure(`could not stop the Kafka cluster in ${baseDir}`, stop);
    },
  };
  return cluster;
}

/**
 * Stops a cluster started by the harness in another process (e.g. `tributary kafka start --detach`) and deletes
 * its directory. Graceful (SIGTERM, SIGKILL after 30 s) unless `kill` is set.
 */
export async function stopKafkaCluster(
  baseDir: string,
  options: { kill?: boolean; onLog?: (line: string) => void } = {},
): Promise<void> {
  const args = ['--dir', baseDir];
  if (options.kill) args.push('--kill');
  const result = await runScript('stop-kafka.sh', args, process.env, 90_000, options.onLog);
  if (result.code !== 0) throw failure(`could not stop the Kafka cluster in ${baseDir}`, result);
}
