/**
 * The Tributary side of `npm run bench`, one workload per process (so its CPU and RSS are its own):
 *   node bench/tributary/worker.ts WORKLOAD --bootstrap B --source T --records N [--sink S] [--app-id A]
 *        [--state-dir D] [--timeout-ms 180000] [--guarantee at_least_once|exactly_once_v2]
 *        [--source2 T2] (the joins: the second input; the meter then expects 2 × N records)
 *        [--store memory|persistent] (count: the store kind; default memory)
 *   node bench/tributary/worker.ts raw-pipe --bootstrap B --topic T --records N --value-size 100
 * Prints one JSON line: the Meter's result, or {"na": "why"} when the workload cannot run yet.
 */
import { parseArgs } from 'node:util';
import type { ProcessingGuarantee } from '../../src/index.ts';
import { runRawPipe } from '../raw-pipe.ts';
import { Meter, peakRssBytes } from './meter.ts';
import { runSeamWorkload } from './seam-workloads.ts';
import { missingApi, runStreamsWorkload } from './streams-workloads.ts';

const [workload, ...rest] = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: rest,
  options: {
    bootstrap: { type: 'string' },
    source: { type: 'string' },
    source2: { type: 'string' },
    store: { type: 'string' },
    sink: { type: 'string' },
    topic: { type: 'string' },
    records: { type: 'string' },
    'value-size': { type: 'string' },
    'app-id': { type: 'string' },
    'state-dir': { type: 'string' },
    'timeout-ms': { type: 'string', default: '180000' },
    guarantee: { type: 'string' },
  },
});

function required(name: keyof typeof opts): string {
  const value = opts[name];
  if (typeof value !== 'string' || value === '') throw new Error(`worker ${workload}: missing option --${name}`);
  return value;
}

function print(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function main(): Promise<void> {
  switch (workload) {
    case 'raw-pipe':
      return print(await rawPipe());
    case 'raw-consume':
    case 'raw-consume-produce': {
      const meter = new Meter(Number(required('records')));
      const extra = await runSeamWorkload({
        bootstrap: required('bootstrap'),
        source: required('source'),
        sink: workload === 'raw-consume-produce' ? required('sink') : undefined,
        meter,
        deadline: Date.now() + Number(opts['timeout-ms']),
      });
      return print(meter.result(workload, extra));
    }
    case 'passthrough':
    case 'kv-store':
    case 'count':
    case 'windowed-count':
    case 'window-store':
    case 'stream-table-join':
    case 'stream-stream-join':
    case 'table-table-join': {
      const missing = missingApi(workload, storeKind());
      if (missing) return print({ na: `n/a (${missing})` });
      const join = workload.endsWith('-join');
      // A join's meter counts the records of both inputs.
      const meter = new Meter(Number(required('records')) * (join ? 2 : 1));
      const extra = await runStreamsWorkload({
        workload,
        bootstrap: required('bootstrap'),
        source: required('source'),
        source2: join ? required('source2') : undefined,
        store: storeKind(),
        sink: opts.sink,
        applicationId: required('app-id'),
        stateDir: required('state-dir'),
        meter,
        timeoutMs: Number(opts['timeout-ms']),
        processingGuarantee: processingGuarantee(),
      });
      return print(meter.result(workload, extra));
    }
    case 'count-restore':
      return print(
        await runStreamsWorkload({
          workload: 'count',
          bootstrap: required('bootstrap'),
          source: required('source'),
          applicationId: required('app-id'),
          stateDir: required('state-dir'),
          meter: new Meter(0),
          timeoutMs: Number(opts['timeout-ms']),
          restoreOnly: true,
        }),
      );
    default:
      return print({ na: `n/a (unknown workload "${workload}")` });
  }
}

function storeKind(): 'memory' | 'persistent' {
  const value = opts.store ?? 'memory';
  if (value === 'memory' || value === 'persistent') return value;
  throw new Error(`worker ${workload}: --store must be memory or persistent, got "${value}"`);
}

function processingGuarantee(): ProcessingGuarantee | undefined {
  const value = opts.guarantee;
  if (value === undefined || value === 'at_least_once' || value === 'exactly_once_v2') return value;
  throw new Error(`worker ${workload}: --guarantee must be at_least_once or exactly_once_v2, got "${value}"`);
}

/** The seam's own produce-then-fetch figures, from bench/raw-pipe.ts (written with the real backend). */
async function rawPipe(): Promise<Record<string, unknown>> {
  const figures = await runRawPipe({
    bootstrap: required('bootstrap'),
    topic: required('topic'),
    records: Number(required('records')),
    valueSize: Number(opts['value-size'] ?? 100),
  });
  return { ...figures, peakRssBytes: peakRssBytes(), cpuSecondsProcess: process.cpuUsage().user / 1e6 };
}

try {
  await main();
  // Client sockets or timers may linger after close; the result is out, so leave now.
  process.exit(0);
} catch (error) {
  process.stderr.write(`worker ${workload} failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
}
