import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const KAFKA_TOOL = resolve(import.meta.dirname, '../harness/kafka-tool.sh');

/** Kafka's own kafka-producer-perf-test: the Java producer's limit on this broker and machine. */
export async function producerPerfTest(
  bootstrap: string,
  topic: string,
  records: number,
  recordSize: number,
): Promise<{ recordsPerSec: number; line: string }> {
  const { stdout } = await run(
    'bash',
    [
      KAFKA_TOOL,
      'producer-perf-test',
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordSize),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${bootstrap}`,
      'linger.ms=5',
      'batch.size=131072',
    ],
    { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
  );
  // Last line: "N records sent, X records/sec (Y MB/sec), ... ms avg latency, ..."
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const match = /records sent, ([\d.]+) records\/sec/.exec(line);
  if (!match) throw new Error(`cannot read producer-perf-test output:\n${stdout.slice(-2000)}`);
  return { recordsPerSec: Number(match[1]), line };
}

/** Kafka's own kafka-consumer-perf-test: the Java consumer's limit (fetch rate, without the group join). */
export async function consumerPerfTest(
  bootstrap: string,
  topic: string,
  records: number,
): Promise<{ recordsPerSec: number; recordsPerSecWithJoin: number; line: string }> {
  const { stdout } = await run(
    'bash',
    [
      KAFKA_TOOL,
      'consumer-perf-test',
      '--bootstrap-server',
      bootstrap,
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--timeout',
      '120000',
    ],
    { timeout: 600_000 },
  );
  // A header line "start.time, end.time, ..., nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec"
  // then one line of values.
  const lines = stdout
    .trim()
    .split('\n')
    .filter((l) => l.includes(','));
  const headerIndex = lines.findIndex((l) => l.includes('nMsg.sec'));
  if (headerIndex < 0 || headerIndex + 1 >= lines.length) {
    throw new Error(`cannot read consumer-perf-test output:\n${stdout.slice(-2000)}`);
  }
  const names = lines[headerIndex].split(',').map((s) => s.trim());
  const values = lines[headerIndex + 1].split(',').map((s) => s.trim());
  const field = (name: string) => Number(values[names.indexOf(name)]);
  return {
    recordsPerSec: field('fetch.nMsg.sec'),
    recordsPerSecWithJoin: field('nMsg.sec'),
    line: lines[headerIndex + 1],
  };
}
