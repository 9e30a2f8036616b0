/**
 * `npm test`: every test against one real Kafka broker.
 *
 * 1. fetches the Kafka jars if harness/lib lacks them (harness/fetch-kafka.sh, Maven, cached);
 * 2. starts one broker on a free port and exports its address as TRIBUTARY_TEST_KAFKA;
 * 3. runs node's test runner over src/ and examples/ (or over the paths given: `npm test -- src/serdes`);
 * 4. stops the broker whatever happened, and exits with the runner's exit code.
 *
 * Output: the runner's `spec` report, then node's own TAP summary lines (`# pass N`, `# fail N`, ...) as the
 * last lines, which is what CI reads. The broker's logs are deleted with it; set TRIBUTARY_KEEP_KAFKA=1 to keep
 * them (the directory is printed).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KafkaCluster, startKafkaCluster } from '../src/harness/kafka-cluster.ts';

const DEFAULT_PATTERNS = ['src/**/*.test.ts', 'examples/**/*.test.ts', 'bench/**/*.test.ts'];
const TEST_TIMEOUT_MS = 120_000;

function log(message: string): void {
  process.stderr.write(`[test] ${message}\n`);
}

function runTests(patterns: readonly string[], env: NodeJS.ProcessEnv, tapFile: string): Promise<number> {
  const args = [
    '--test',
    '--test-concurrency=2',
    `--test-timeout=${TEST_TIMEOUT_MS}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...patterns,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: 'inherit' });
    child.on('error', (error) => {
      log(`cannot run node --test: ${error.message}`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Node's own TAP summary block (`# tests N` ... `# duration_ms N`), or nothing if the run died before it. */
function tapSummary(tapFile: string): string {
  let tap: string;
  try {
    tap = readFileSync(tapFile, 'utf8');
  } catch {
    return '';
  }
  const start = tap.lastIndexOf('\n# tests ');
  return start < 0 ? '' : tap.slice(start + 1).trimEnd();
}

async function main(): Promise<number> {
  const patterns = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_PATTERNS;
  const reportDir = mkdtempSync(join(tmpdir(), 'tributary-test-'));
  const tapFile = join(reportDir, 'report.tap');
  let kafka: KafkaCluster | undefined;
  let exitCode = 1;
  try {
    const started = Date.now();
    kafka = await startKafkaCluster({
      nodes: 1,
      keepDir: process.env.TRIBUTARY_KEEP_KAFKA === '1',
      onLog: (line) => process.stderr.write(`${line}\n`),
    });
    log(`Kafka ${kafka.version} at ${kafka.bootstrap} (started in ${Date.now() - started} ms, dir ${kafka.baseDir})`);
    // TRIBUTARY_TEST_KAFKA_CLUSTER: the tests that start a 3-node cluster of their own run too (=0 skips them).
    const env = {
      ...process.env,
      TRIBUTARY_TEST_KAFKA: kafka.bootstrap,
      TRIBUTARY_TEST_KAFKA_CLUSTER: process.env.TRIBUTARY_TEST_KAFKA_CLUSTER ?? '1',
    };
    exitCode = await runTests(patterns, env, tapFile);
  } catch (error) {
    log(`could not run the tests: ${(error as Error).message}`);
    exitCode = 1;
  } finally {
    if (kafka) {
      await kafka.stop().catch((error: Error) => log(`stopping Kafka failed: ${error.message}`));
    }
  }
  const summary = tapSummary(tapFile);
  rmSync(reportDir, { recursive: true, force: true });
  if (summary) process.stdout.write(`${summary}\n`);
  return exitCode;
}

process.exitCode = await main();
