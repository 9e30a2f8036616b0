import { join } from 'node:path';
import { PlatformaticBackend } from '../src/kafka/platformatic/index.ts';
import { type ChildRun, runMeasuredChild } from './child-process-meter.ts';
import { runJavaBench } from './java-bench.ts';
import { SinkWatcher } from './sink-watcher.ts';

export interface LatencyOptions {
  readonly bootstrap: string;
  readonly impl: 'tributary' | 'java';
  /** Input records per second, produced by the Java loader at a fixed pace while the app runs. */
  readonly rate: number;
  readonly seconds: number;
  readonly valueSize: number;
  readonly topicPrefix: string;
  readonly stateDir: string;
  readonly workerPath: string;
  readonly extraNodeArgs?: readonly string[];
}

export interface LatencyResult {
  readonly impl: 'tributary' | 'java';
  readonly rate: number;
  readonly records: number;
  /** The loader's achieved input rate. */
  readonly achievedRate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly failure?: string;
}

/**
 * End-to-end latency of the passthrough app (`filter → mapValues → to`) at a fixed input rate: the loader
 * writes its send time (epoch ms) into the first 8 bytes of every value; the sink topic stamps each record
 * with the broker's append time (message.timestamp.type=LogAppendTime); latency = append time − send time,
 * over every record. The paced producer starts once the app reports RUNNING, so no backlog is measured.
 */
export async function runLatency(options: LatencyOptions): Promise<LatencyResult> {
  const { bootstrap, impl, rate } = options;
  const records = Math.round(rate * options.seconds);
  const input = `${options.topicPrefix}-latency-in-${impl}`;
  const sink = `${options.topicPrefix}-latency-out-${impl}`;
  const backend = new PlatformaticBackend({ bootstrapServers: bootstrap.split(','), clientId: 'bench-latency' });
  try {
    await backend.admin.createTopics([
      { name: input, partitions: 1 },
      { name: sink, partitions: 1, configs: { 'message.timestamp.type': 'LogAppendTime' } },
    ]);
    const watcher = await SinkWatcher.open(bootstrap, sink);
    let loader: Promise<ChildRun> | undefined;
    const onLine = (line: string, reply: (line: string) => void) => {
      if (line.includes('"event":"running"') && loader === undefined) {
        loader = runJavaBench(
          'load',
          { bootstrap, topic: input, records, 'value-size': options.valueSize, keys: 10_000, rate },
          options.seconds * 1000 + 120_000,
          `  paced producer ${rate} rec/s for ${options.seconds} s`,
        );
      }
      if (line.includes('"event":"processed"')) {
        watcher.waitFor(records).then(() => watcher.reached && reply('output-complete'));
      }
    };
    const appOptions: Record<string, string | number> = {
      bootstrap,
      source: input,
      sink,
      records,
      'app-id': `${options.topicPrefix}-latency-${impl}`,
      'state-dir': join(options.stateDir, `latency-${impl}`),
      'timeout-ms': options.seconds * 1000 + 120_000,
    };
    const timeoutMs = options.seconds * 1000 + 180_000;
    let app: ChildRun;
    if (impl === 'java') {
      app = await runJavaBench('passthrough', appOptions, timeoutMs, `kafka streams latency at ${rate} rec/s`, onLine);
    } else {
      const args = [...(options.extraNodeArgs ?? []), options.workerPath, 'passthrough'];
      for (const [k, v] of Object.entries(appOptions)) args.push(`--${k}`, String(v));
      app = await runMeasuredChild(process.execPath, args, {
        timeoutMs,
        label: `tributary latency at ${rate} rec/s`,
        onLine,
      });
    }
    watcher.stop();
    await watcher.close();
    const load = loader ? (await loader).result : undefined;
    const latencies = await readLatencies(backend, sink, records);
    const fail = (failure: string): LatencyResult => ({
      impl,
      rate,
      records,
      achievedRate: Number(load?.recordsPerSec ?? 0),
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
      p999Ms: Number.NaN,
      maxMs: Number.NaN,
      failure,
    });
    if (!app.result || app.result.timedOut) {
      const why = app.stderrTail.trim().split('\n').filter(Boolean).at(-1)?.slice(0, 200) ?? '';
      return fail(`app did not finish (exit ${app.exitCode}) ${why}`);
    }
    if (latencies.length < records) return fail(`sink holds ${latencies.length} of ${records} records`);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return {
      impl,
      rate,
      records,
      achievedRate: Number(load?.recordsPerSec ?? 0),
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      p999Ms: at(0.999),
      maxMs: latencies[latencies.length - 1],
    };
  } finally {
    await backend.close();
  }
}

/** Append time − send time of every record in the sink (at most `records`). */
async function readLatencies(backend: PlatformaticBackend, topic: string, records: number): Promise<number[]> {
  const fetcher = backend.createFetcher();
  const tp = { topic, partition: 0 };
  fetcher.assign([tp]);
  fetcher.seek(tp, 'earliest');
  const latencies: number[] = [];
  const deadline = Date.now() + 60_000;
  try {
    while (latencies.length < records && Date.now() < deadline) {
      for (const batch of await fetcher.poll(500)) {
        for (const r of batch.records) {
          if (r.value && r.value.length >= 8) latencies.push(r.timestamp - Number(r.value.readBigInt64BE(0)));
        }
      }
    }
  } finally {
    await fetcher.close();
  }
  return latencies;
}
