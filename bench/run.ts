/**
 * `npm run bench [-- --quick | --full] [options]`: Tributary side by side with Apache Kafka Streams on one
 * real broker, in the shape of Kafka's SimpleBenchmark. See bench/README.md for what each row measures.
 *
 * Options:
 *   --quick (default) | --full      quick: 200,000 records, 100x1 and 1024x1, one run per cell;
 *                                   full: 1,000,000 records (1 KB: 500,000), 3 runs per cell, 10 M keys rows
 *   --records N                     records per input (overrides the mode's count)
 *   --inputs 100x1,100x2,1024x1     value size x partitions of each input topic
 *   --workloads a,b                 only these: raw-consume, raw-consume-produce, passthrough, passthrough-eos,
 *                                   kv-store, kv-store-mem, count, count-mem, count-persistent, count-eos,
 *                                   windowed-count, window-store, stream-table-join, stream-stream-join,
 *                                   table-table-join, count-10m-keys, count-10m-keys-mem, count-10m-keys-persistent
 *   --repeat N                      run each cell N times, Tributary and Kafka Streams interleaved; the table
 *                                   shows medians and the min–max rate (default: full 3, quick 1)
 *   --big-keys                      also run count-10m-keys(-persistent) (always on with --full): a count over
 *                                   N distinct keys on its own input, for both apps' peak RSS (count-10m-keys-mem,
 *                                   Kafka Streams' in-memory store, only when named in --workloads)
 *   --big-keys-records N            N for those rows (default 10,000,000)
 *   --timeout-ms MS                 cap on one run (full 90000, quick 60000; SimpleBenchmark: 180000); a capped run
 *                                   reports the rate of what it processed, marked "timed out"
 *   --bootstrap HOST:PORT           use this running broker instead of starting one
 *   --skip-java | --skip-tributary  one side only
 *   --no-anchors                    skip the producer/consumer perf tools and the raw seam pipe
 *   --latency-rate R, --latency-seconds S   end-to-end latency run of passthrough at R rec/s for S s
 *                                   (quick: 5000 for 10 s; full: 20000 for 30 s); --no-latency skips it
 *   --restore-records N             restore run: a count store over N (mostly distinct) keys (quick 200,000;
 *                                   full 1,000,000); --no-restore skips it
 *   --cpu-prof DIR                  run each Tributary worker under node --cpu-prof, profiles into DIR
 *                                   (summarise with bench/profile-summary.ts; see bench/PROFILE.md)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { consumerPerfTest, producerPerfTest } from './anchors.ts';
import { type BenchBroker, startBenchBroker } from './broker.ts';
import { type ChildOptions, cpuSecondsOf, runMeasuredChild } from './child-process-meter.ts';
import { committedSinkRecords } from './committed-records.ts';
import { ensureJavaBenchBuilt, JAVA_OPTS, runJavaBench } from './java-bench.ts';
import { type LatencyResult, runLatency } from './latency.ts';
import {
  type AnchorRow,
  type BenchReport,
  renderAnchors,
  renderLatency,
  renderRestore,
  renderTable,
  repeatedSideResult,
  type SideResult,
  type WorkloadRow,
  writeReport,
} from './report.ts';
import { type RestoreResult, runRestore } from './restore.ts';
import { sinkRecords } from './sink-records.ts';
import { SinkWatcher } from './sink-watcher.ts';

/** --full runs every cell this many times (median and min–max in the table); --quick once. */
const FULL_REPEATS = 3;
/** The inputs each mode runs unless --inputs says otherwise (VALUESIZExPARTITIONS). */
const FULL_INPUTS = '100x1,1024x1';
const QUICK_INPUTS = '100x1,1024x1';
/** A side whose run took longer than this is not repeated (see runRow). */
const NO_REPEAT_AFTER_MS = 40_000;
/** The event-time pair's timeline: records per millisecond of event time (see Workload.eventTime). */
const EVENT_RECORDS_PER_MS = 1;

interface Workload {
  /** The row's name; also the workload both programs run unless `program` says otherwise. */
  readonly name: string;
  readonly description: string;
  readonly sink: boolean;
  /** The workload name both programs are given (variants of one workload share it). */
  readonly program?: string;
  /** The app's window ends when the sink holds the whole output (bench/sink-watcher.ts). */
  readonly watchSink?: boolean;
  /** Extra options for the Java program only. */
  readonly javaOptions?: Readonly<Record<string, string>>;
  /** Extra options for the Tributary worker only. */
  readonly tributaryOptions?: Readonly<Record<string, string>>;
  /** Both apps run with processing.guarantee=exactly_once_v2 (the sink is then read with read_committed). */
  readonly exactlyOnce?: boolean;
  /**
   * Runs once, on its own 1-partition input of `--big-keys-records` records with distinct keys (not on the
   * --inputs), and only with --full, --big-keys or when named in --workloads: it is there for peak RSS.
   */
  readonly bigKeys?: boolean;
  /**
   * Reads the input's event-time pair instead of its own topic: two topics of the input's shape loaded on one
   * timeline, record i at base + i ms (the Java loader's --records-per-ms 1), so window stores and the
   * stream-stream join's 10 s window hold a bounded, repeatable number of records. A `join` reads both.
   */
  readonly eventTime?: boolean;
  /** Runs only when named in --workloads. */
  readonly onlyWhenNamed?: boolean;
  /** Tributary only: the Kafka Streams figure of this setup is in the row named here. */
  readonly javaSameAs?: string;
  /** Reads both topics of the event-time pair (--source, --source2); the meters count both inputs (2 × N). */
  readonly join?: boolean;
}

/** The rows of the table, in order. Names are shared by both sides' programs. */
const WORKLOADS: readonly Workload[] = [
  { name: 'raw-consume', description: 'raw consume (seam vs Java KafkaConsumer)', sink: false },
  { name: 'raw-consume-produce', description: 'raw consume+produce (seam vs Java clients)', sink: true },
  { name: 'passthrough', description: 'stateless filter → mapValues → to', sink: true, watchSink: true },
  {
    name: 'passthrough-eos',
    program: 'passthrough',
    description: 'passthrough under exactly_once_v2 (commit.interval.ms 100 both sides)',
    sink: true,
    watchSink: true,
    exactlyOnce: true,
  },
  { name: 'kv-store', description: 'processor with a KV store: get + put', sink: false },
  {
    name: 'kv-store-mem',
    program: 'kv-store',
    description: 'kv-store, Kafka Streams with an in-memory store',
    sink: false,
    javaOptions: { store: 'memory' },
  },
  { name: 'count', description: 'groupByKey().count()', sink: false },
  {
    name: 'count-mem',
    program: 'count',
    description: 'count, Kafka Streams with an in-memory store',
    sink: false,
    javaOptions: { store: 'memory' },
  },
  {
    name: 'count-persistent',
    program: 'count',
    description: 'count, Tributary with its persistent (lmdb) store vs Kafka Streams RocksDB',
    sink: false,
    tributaryOptions: { store: 'persistent' },
  },
  {
    name: 'count-eos',
    program: 'count',
    description: 'count under exactly_once_v2 (commit.interval.ms 100 both sides)',
    sink: false,
    exactlyOnce: true,
  },
  { name: 'windowed-count', description: 'hopping windowed count 1000/500 ms', sink: false },
  {
    name: 'window-store',
    description: 'processor with a window store: fetch keys k-10..k+10 over the last second, then put',
    sink: false,
    eventTime: true,
  },
  {
    name: 'stream-table-join',
    description: 'KStream.leftJoin(KTable), the table from the second input',
    sink: false,
    eventTime: true,
    join: true,
  },
  {
    name: 'stream-stream-join',
    description: 'KStream.leftJoin(KStream, JoinWindows 10 s, no grace)',
    sink: false,
    eventTime: true,
    join: true,
  },
  {
    name: 'table-table-join',
    description: 'KTable.leftJoin(KTable), both tables from stream inputs (toTable)',
    sink: false,
    eventTime: true,
    join: true,
    // With its record cache, Kafka Streams joins the tables' updates only when the cache flushes (at commit,
    // after the run), so its rate would not include the join at all.
    javaOptions: { 'cache-bytes': '0' },
  },
  {
    name: 'count-10m-keys',
    program: 'count',
    description: 'count over N distinct keys (default 10 M), for peak RSS: Tributary in-memory vs KS RocksDB',
    sink: false,
    bigKeys: true,
  },
  {
    name: 'count-10m-keys-mem',
    program: 'count',
    description: 'count-10m-keys, Kafka Streams with an in-memory store',
    sink: false,
    bigKeys: true,
    javaOptions: { store: 'memory' },
    // 10 M keys do not fit Kafka Streams' in-memory store in a 1 GB heap: the run spends its whole time limit
    // in garbage collection, which --full cannot afford.
    onlyWhenNamed: true,
  },
  {
    name: 'count-10m-keys-persistent',
    program: 'count',
    description: 'count-10m-keys, Tributary with its persistent (lmdb) store (Kafka Streams RocksDB: count-10m-keys)',
    sink: false,
    bigKeys: true,
    tributaryOptions: { store: 'persistent' },
    javaSameAs: 'count-10m-keys',
  },
];

interface Input {
  readonly valueSize: number;
  readonly partitions: number;
  readonly records: number;
}

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    records: { type: 'string' },
    inputs: { type: 'string' },
    workloads: { type: 'string' },
    bootstrap: { type: 'string' },
    'skip-java': { type: 'boolean', default: false },
    'skip-tributary': { type: 'boolean', default: false },
    'no-anchors': { type: 'boolean', default: false },
    'timeout-ms': { type: 'string' },
    'cpu-prof': { type: 'string' },
    'latency-rate': { type: 'string' },
    'latency-seconds': { type: 'string' },
    'no-latency': { type: 'boolean', default: false },
    'restore-records': { type: 'string' },
    'no-restore': { type: 'boolean', default: false },
    'big-keys': { type: 'boolean', default: false },
    'big-keys-records': { type: 'string' },
    repeat: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (opts.help) {
  // The usage is this file's header comment.
  const source = (await import('node:fs')).readFileSync(import.meta.filename, 'utf8');
  process.stdout.write(`${source.slice(source.indexOf('/**') + 4, source.indexOf('*/')).replace(/^ \* ?/gm, '')}\n`);
  process.exit(0);
}

const mode = opts.full ? 'full' : 'quick';
// Sized so that a --full run (3 runs per cell) fits in about 35 minutes on a 2-core machine; see bench/README.md.
const defaultRecords = mode === 'full' ? 1_000_000 : 200_000;
const inputs: Input[] = (opts.inputs ?? (mode === 'full' ? FULL_INPUTS : QUICK_INPUTS)).split(',').map((spec) => {
  const [size, partitions] = spec.split('x').map(Number);
  if (!(size > 0 && partitions > 0)) throw new Error(`--inputs: "${spec}" is not VALUESIZExPARTITIONS (e.g. 100x1)`);
  // 1 KB inputs get half the records in full mode, to keep the topics' size (and disk) in bounds.
  const records = opts.records
    ? Number(opts.records)
    : size >= 1024 && mode === 'full'
      ? defaultRecords / 2
      : defaultRecords;
  return { valueSize: size, partitions, records };
});
const selected = opts.workloads ? new Set(opts.workloads.split(',')) : undefined;
for (const name of selected ?? []) {
  if (!WORKLOADS.some((w) => w.name === name)) throw new Error(`--workloads: unknown workload "${name}"`);
}
const withBigKeys = mode === 'full' || opts['big-keys'];
const workloads = WORKLOADS.filter((w) =>
  selected ? selected.has(w.name) : !w.onlyWhenNamed && (!w.bigKeys || withBigKeys),
);
const bigKeysRecords = Number(opts['big-keys-records'] ?? 10_000_000);
if (!(Number.isInteger(bigKeysRecords) && bigKeysRecords > 0 && bigKeysRecords <= 2 ** 31)) {
  throw new Error(`--big-keys-records: "${opts['big-keys-records']}" is not a record count (1 .. 2^31)`);
}
// Each cell (workload × input × side) runs this many times, Tributary and Kafka Streams interleaved.
const repeats = Number(opts.repeat ?? (mode === 'full' ? FULL_REPEATS : 1));
if (!(Number.isInteger(repeats) && repeats >= 1 && repeats <= 20)) {
  throw new Error(`--repeat: "${opts.repeat}" is not a run count (1 .. 20)`);
}
// SimpleBenchmark caps each run at 3 minutes; --full at 1.5 (to fit its time budget), --quick at 1. A run that hits
// the cap reports the rate of what it processed.
const runTimeoutMs = Number(opts['timeout-ms'] ?? (mode === 'full' ? 90_000 : 60_000));

const runId = Date.now().toString(36);
let bootstrapInUse: string | undefined;
const startedAt = new Date().toISOString();
const loadAtStart = os.loadavg();
const workerPath = resolve(import.meta.dirname, 'tributary/worker.ts');

async function main(): Promise<void> {
  if (!opts['skip-java']) ensureJavaBenchBuilt();
  process.stderr.write(`bench (${mode}): starting one Kafka broker ...\n`);
  const t0 = Date.now();
  const broker = await startBenchBroker(opts.bootstrap);
  process.stderr.write(`broker ${broker.bootstrap} (${broker.origin}) up in ${Date.now() - t0} ms\n`);
  const stateRoot = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
  try {
    const report = await runAll(broker, stateRoot);
    const md = writeReport(report);
    process.stdout.write(
      `\n${renderTable(report.rows)}\n\n${renderLatency(report.latency)}\n\n${renderRestore(report.restore)}\n\n${renderAnchors(report.anchors)}\n\nwritten to ${md}\n`,
    );
  } finally {
    rmSync(stateRoot, { recursive: true, force: true });
    await broker.stop();
  }
}

async function runAll(broker: BenchBroker, stateRoot: string): Promise<BenchReport> {
  const bootstrap = broker.bootstrap;
  bootstrapInUse = bootstrap;
  const inputTopic = (input: Input) => `bench-${runId}-in-v${input.valueSize}-p${input.partitions}`;
  // The event-time pair of an input: two topics of its shape on one timeline (window store, joins).
  // Each topic of the pair holds half the input's records, so a join reads N records in all, as the other rows.
  const pairRecords = (input: Input) => Math.ceil(input.records / 2);
  const pairTopics = (input: Input) =>
    [
      `bench-${runId}-ev-a-v${input.valueSize}-p${input.partitions}`,
      `bench-${runId}-ev-b-v${input.valueSize}-p${input.partitions}`,
    ] as const;
  // One sink per run: the sink watcher and the sink check count what the topic holds.
  const sinkTopic = (input: Input, w: Workload, impl: string, rep: number) =>
    `bench-${runId}-sink-${w.name}-${impl}-v${input.valueSize}-p${input.partitions}${rep > 0 ? `-r${rep}` : ''}`;

  // Every topic up front, in one admin call (sinks get the input's partition count). The --inputs are only
  // created and loaded when a workload runs on them (count-10m-keys has its own input).
  const regular = workloads.filter((w) => !w.bigKeys);
  const inputsInUse = regular.length > 0 ? inputs : [];
  const needsOwnTopic = regular.some((w) => !w.eventTime);
  const needsPair = regular.some((w) => w.eventTime);
  const specs: string[] = [];
  for (const input of inputsInUse) {
    if (needsOwnTopic) specs.push(`${inputTopic(input)}:${input.partitions}`);
    if (needsPair) specs.push(...pairTopics(input).map((t) => `${t}:${input.partitions}`));
    for (const w of workloads.filter((x) => x.sink)) {
      for (let rep = 0; rep < repeats; rep++) {
        specs.push(
          `${sinkTopic(input, w, 'java', rep)}:${input.partitions}`,
          `${sinkTopic(input, w, 'tributary', rep)}:${input.partitions}`,
        );
      }
    }
  }
  const anchorRecords = inputs[0]?.records ?? defaultRecords;
  const anchorTopic = `bench-${runId}-anchor`;
  const seamPipeTopic = `bench-${runId}-seam-pipe`;
  if (!opts['no-anchors']) specs.push(`${anchorTopic}:1`, `${seamPipeTopic}:1`);
  if (specs.length > 0) {
    await mustRun(
      runJavaBench('topics', { bootstrap, create: specs.join(',') }, 120_000, 'create topics'),
      'create topics',
    );
  }

  // Load each input once with the Java producer (int32 keys as IntegerSerializer writes them).
  for (const input of inputsInUse) {
    if (needsOwnTopic) {
      const load = await mustRun(
        runJavaBench(
          'load',
          { bootstrap, topic: inputTopic(input), records: input.records, 'value-size': input.valueSize, keys: 10_000 },
          600_000,
          `load ${inputTopic(input)} (${input.records} records)`,
        ),
        'load',
      );
      process.stderr.write(`    loaded at ${Math.round(Number(load.recordsPerSec))} rec/s\n`);
    }
    if (needsPair) {
      // Record i of each topic at base + i ms; the timeline ends now (the broker refuses far-future timestamps).
      const topics = pairTopics(input);
      const load = await mustRun(
        runJavaBench(
          'load',
          {
            bootstrap,
            topic: topics.join(','),
            records: pairRecords(input),
            'value-size': input.valueSize,
            keys: 10_000,
            'records-per-ms': EVENT_RECORDS_PER_MS,
            'base-timestamp': Date.now() - Math.ceil(pairRecords(input) / EVENT_RECORDS_PER_MS),
          },
          1_200_000,
          `load ${topics.join(' and ')} (${pairRecords(input)} records each, event time ${EVENT_RECORDS_PER_MS} record/ms)`,
        ),
        'load',
      );
      process.stderr.write(`    loaded at ${Math.round(Number(load.recordsPerSec))} rec/s\n`);
    }
  }

  const latency: LatencyResult[] = [];
  if (!opts['no-latency']) {
    const rate = Number(opts['latency-rate'] ?? (mode === 'full' ? 20_000 : 5_000));
    const seconds = Number(opts['latency-seconds'] ?? (mode === 'full' ? 30 : 10));
    for (const impl of ['java', 'tributary'] as const) {
      if (impl === 'java' ? opts['skip-java'] : opts['skip-tributary']) continue;
      const result = await runLatency({
        bootstrap,
        impl,
        rate,
        seconds,
        valueSize: 100,
        topicPrefix: `bench-${runId}`,
        stateDir: stateRoot,
        workerPath,
      });
      latency.push(result);
      process.stderr.write(
        `    ${impl}: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms${result.failure ? ` (${result.failure})` : ''}\n`,
      );
    }
  }

  const restore: RestoreResult[] = [];
  if (!opts['no-restore']) {
    const records = Number(opts['restore-records'] ?? (mode === 'full' ? 1_000_000 : 200_000));
    const input = `bench-${runId}-restore-in`;
    await mustRun(
      runJavaBench('topics', { bootstrap, create: `${input}:1` }, 120_000, 'create restore input'),
      'topics',
    );
    await mustRun(
      runJavaBench(
        'load',
        { bootstrap, topic: input, records, 'value-size': 100, keys: records },
        600_000,
        `load ${input} (${records} records over ${records} keys)`,
      ),
      'load',
    );
    for (const impl of ['java', 'tributary'] as const) {
      if (impl === 'java' ? opts['skip-java'] : opts['skip-tributary']) continue;
      const result = await runRestore({
        bootstrap,
        impl,
        input,
        records,
        topicPrefix: `bench-${runId}`,
        stateDir: stateRoot,
        workerPath,
      });
      restore.push(result);
      process.stderr.write(
        `    ${impl}: ${result.changelogRecords} changelog records restored in ${Math.round(result.startToRunningMs)} ms${result.failure ? ` (${result.failure})` : ''}\n`,
      );
    }
  }

  const anchors: AnchorRow[] = opts['no-anchors']
    ? []
    : await runAnchors(bootstrap, anchorTopic, seamPipeTopic, anchorRecords);

  const rows: WorkloadRow[] = [];
  /** One run of one side of one cell: the app's JSON (with broker CPU and sink count), or why there is none. */
  const runSide = async (
    impl: 'java' | 'tributary',
    w: Workload,
    input: Input,
    sources: readonly string[],
    rep: number,
    timeoutMs: number,
  ): Promise<{ raw?: Record<string, unknown>; why: string }> => {
    const tag = `${w.name} ${input.valueSize}B×${input.partitions}p${rep > 0 || repeats > 1 ? ` run ${rep + 1}` : ''}`;
    const suffix = `${input.valueSize}-${input.partitions}${rep > 0 ? `-r${rep}` : ''}`;
    const sink = w.sink ? sinkTopic(input, w, impl, rep) : undefined;
    const options: Record<string, string | number> = {
      bootstrap,
      source: sources[0],
      ...(sources[1] ? { source2: sources[1] } : {}),
      records: input.records,
      'timeout-ms': timeoutMs,
      ...(impl === 'java' ? w.javaOptions : w.tributaryOptions),
      ...(w.exactlyOnce ? { guarantee: 'exactly_once_v2' } : {}),
      ...(sink ? { sink } : {}),
      'app-id': `bench-${runId}-${w.name}-${impl}-${suffix}`,
      'state-dir': join(stateRoot, `${impl}-${w.name}-${suffix}`),
    };
    const brokerCpu = brokerCpuMeter(broker);
    const watch = sink ? await sinkWatch(w, sink, input.records) : undefined;
    try {
      if (impl === 'java') {
        const run = await runJavaBench(
          w.program ?? w.name,
          options,
          timeoutMs + 60_000,
          `kafka streams ${tag}`,
          watch?.onLine,
        );
        await watch?.close();
        const raw = await withSinkRecords(withBrokerCpu(run.result, brokerCpu), sink, w.exactlyOnce);
        return { raw, why: `failed (exit ${run.exitCode}): ${lastLine(run.stderrTail)}` };
      }
      const profileArgs = opts['cpu-prof']
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${resolve(opts['cpu-prof'])}`,
            `--cpu-prof-name=${w.name}-v${input.valueSize}-p${input.partitions}${rep > 0 ? `-r${rep}` : ''}.cpuprofile`,
          ]
        : [];
      const args = [...profileArgs, workerPath, w.program ?? w.name];
      for (const [k, v] of Object.entries(options)) args.push(`--${k}`, String(v));
      const run = await runMeasuredChild(process.execPath, args, {
        timeoutMs: timeoutMs + 60_000,
        label: `tributary ${tag}`,
        onLine: watch?.onLine,
      });
      await watch?.close();
      if (run.result && 'na' in run.result) return { why: String(run.result.na) };
      const raw = await withSinkRecords(withBrokerCpu(run.result, brokerCpu), sink, w.exactlyOnce);
      return { raw, why: `failed (exit ${run.exitCode}): ${lastLine(run.stderrTail)}` };
    } finally {
      rmSync(String(options['state-dir']), { recursive: true, force: true });
    }
  };
  /**
   * One row: each side `runsPerCell` times, interleaved (KS, T, then T, KS, ...: neither side always runs on the
   * warmer broker). A side that failed, was n/a, timed out or took over NO_REPEAT_AFTER_MS is not run again.
   */
  const runRow = async (
    w: Workload,
    input: Input,
    sources: readonly string[],
    inputLabel: string,
    timeoutMs: number,
    runsPerCell: number,
  ) => {
    const started = Date.now();
    const runs = { java: [] as Record<string, unknown>[], tributary: [] as Record<string, unknown>[] };
    const why = { java: 'skipped', tributary: 'skipped' };
    const stopped = { java: Boolean(opts['skip-java'] || w.javaSameAs), tributary: Boolean(opts['skip-tributary']) };
    if (w.javaSameAs) why.java = `as in ${w.javaSameAs}`;
    for (let rep = 0; rep < runsPerCell; rep++) {
      const order = rep % 2 === 0 ? (['java', 'tributary'] as const) : (['tributary', 'java'] as const);
      for (const impl of order) {
        if (stopped[impl]) continue;
        const runStarted = Date.now();
        const run = await runSide(impl, w, input, sources, rep, timeoutMs);
        why[impl] = run.why;
        if (run.raw) runs[impl].push(run.raw);
        if (!run.raw || run.raw.timedOut === true || run.raw.outputComplete === false) stopped[impl] = true;
        // A run this long is stable enough alone, and repeating it would cost the whole run's time budget.
        if (Date.now() - runStarted > NO_REPEAT_AFTER_MS) stopped[impl] = true;
      }
    }
    const tributary = repeatedSideResult(runs.tributary, why.tributary);
    const kafkaStreams = repeatedSideResult(runs.java, why.java);
    const note = rowNote(w, tributary, kafkaStreams);
    const row: WorkloadRow = {
      workload: w.name,
      input: inputLabel,
      tributary,
      kafkaStreams,
      ...(note ? { note } : {}),
    };
    process.stderr.write(
      `${renderTable([row]).split('\n')[2]}\n    (${Math.round((Date.now() - started) / 1000)} s)\n`,
    );
    return row;
  };
  for (const input of inputsInUse) {
    const shape = `${input.valueSize} B, ${input.partitions} partition${input.partitions > 1 ? 's' : ''}`;
    for (const w of regular) {
      // An event-time row reads the pair: N/2 records per topic (a join reads both).
      const rowInput = w.eventTime ? { ...input, records: pairRecords(input) } : input;
      const count = rowInput.records.toLocaleString('en-US');
      const label = w.join
        ? `2 × ${count} × ${shape}, event time`
        : `${count} × ${shape}${w.eventTime ? ', event time' : ''}`;
      const sources = w.eventTime ? pairTopics(input).slice(0, w.join ? 2 : 1) : [inputTopic(input)];
      rows.push(await runRow(w, rowInput, sources, label, runTimeoutMs, repeats));
    }
  }
  const bigKeyWorkloads = workloads.filter((w) => w.bigKeys);
  if (bigKeyWorkloads.length > 0) {
    // Its own input: record i has key i, so the store ends with as many entries as there are records.
    const input: Input = { valueSize: 100, partitions: 1, records: bigKeysRecords };
    const topic = `bench-${runId}-in-distinct-${bigKeysRecords}`;
    await mustRun(runJavaBench('topics', { bootstrap, create: `${topic}:1` }, 120_000, `create ${topic}`), 'topics');
    const load = await mustRun(
      runJavaBench(
        'load',
        { bootstrap, topic, records: bigKeysRecords, 'value-size': 100, 'distinct-keys': 'true' },
        1_800_000,
        `load ${topic} (${bigKeysRecords} records, as many distinct keys)`,
      ),
      'load',
    );
    process.stderr.write(`    loaded at ${Math.round(Number(load.recordsPerSec))} rec/s\n`);
    const label = `${bigKeysRecords.toLocaleString('en-US')} × 100 B, 1 partition, ${bigKeysRecords.toLocaleString('en-US')} distinct keys`;
    // A store this size takes longer than SimpleBenchmark's 3 minutes to fill on this machine.
    const timeoutMs = Math.max(runTimeoutMs, bigKeysRecords / 20);
    // Once each: these rows are there for peak RSS, and one run of N distinct keys takes minutes.
    for (const w of bigKeyWorkloads) rows.push(await runRow(w, input, [topic], label, timeoutMs, 1));
  }

  return {
    startedAt,
    mode,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    environment: {
      broker: `Apache Kafka ${broker.kafkaVersion}, 1 node (KRaft, combined), ${broker.origin}, ${bootstrap}`,
      machine: `${(await import('node:os')).cpus().length} cores, ${Math.round((await import('node:os')).totalmem() / 2 ** 30)} GiB`,
      node: process.version,
      java: `JVM flags ${JAVA_OPTS.join(' ')}; Kafka Streams 1 stream thread`,
      workloads: workloads.map((w) => `${w.name}: ${w.description}`).join('; '),
      repeats: `${repeats} run${repeats > 1 ? 's' : ''} per cell${repeats > 1 ? ' (Tributary and Kafka Streams interleaved; median, min–max)' : ''}`,
      duration: `${Math.round((Date.now() - Date.parse(startedAt)) / 60_000)} min (the whole bench, broker start and loads included)`,
      // Other work on the machine slows both sides (and Kafka Streams' JIT warm-up most): read rates with it.
      load: `load average ${loadAtStart.map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at the start, ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')} at the end`,
    },
    anchors,
    rows,
    latency,
    restore,
    notes: [
      'rec/s = records from the first to the last record processed (SimpleBenchmark starts its clock at start(); that figure is recordsPerSecFromStart in the JSON). For passthrough (a sink workload) the window ends when the sink topic holds the whole output (the bench polls its end offsets every 10 ms after the app reports it processed its input, and tells the app; the polling is not app CPU): output still buffered is work not done. Raw consume+produce: first fetched record → last acknowledged send (Java: → final flush).',
      'CPU-s per M records: the app process’s user+system CPU between its first and last record, per million records. Peak RSS: VmHWM of the app process.',
      'Kafka Streams runs with SimpleBenchmark’s settings (commit.interval.ms 30000, max.poll.records 1000, producer batch.size 128 KiB) except producer linger.ms 100 (Kafka Streams’ default; SimpleBenchmark’s 5000 would count as idle time before the output is complete), default RocksDB stores with caching.',
      'Every app is its own process, reads its input from the earliest offset with a fresh application.id, and exits when it has processed the whole input.',
      'Ratio = Tributary ÷ Kafka Streams. Tributary’s stores are in memory (with changelog, no record cache); the “-mem” rows run Kafka Streams with in-memory stores too. Both sides: 1 stream thread, commit.interval.ms 30000, max.poll.records 1000.',
      'Latency: passthrough at a fixed input rate (Java loader, linger 0, send time in the first 8 value bytes); latency = sink LogAppendTime − send time, every record, ms resolution. Both apps at their defaults (Kafka Streams producer linger.ms 100).',
      'Restore: a count over N mostly distinct keys fills the changelog (Kafka Streams with statestore.cache.max.bytes=0, default RocksDB store; Tributary in-memory store), then the same application.id starts over an empty state dir; start() → RUNNING is timed. rec/s = records the StateRestoreListener reported restored / that time (group join included).',
      'The -eos rows run both apps with processing.guarantee=exactly_once_v2 and its default commit.interval.ms (100 ms on both sides); everything else as the at-least-once rows. passthrough-eos ends when a read_committed consumer (in the bench process) has read the whole output, and the sink check reads the sink with read_committed.',
      `count-10m-keys(-mem, -persistent) (with --full or --big-keys): a count over ${bigKeysRecords.toLocaleString('en-US')} distinct keys (record i has key i, 1 partition, loaded by the Java producer), for the apps' peak RSS: Tributary's in-memory store vs Kafka Streams' RocksDB (its in-memory store in the -mem row; Tributary's persistent lmdb store in the -persistent row, whose Kafka Streams figure is the count-10m-keys row), all with a changelog. One run each.`,
      'window-store and the joins read an event-time pair per input: two topics of the input’s shape loaded by the Java loader on one timeline (record i at base + i ms, 1 record/ms; uniform keys over 10,000), so the window store’s last second holds ~2 records of the 21 keys fetched and the stream-stream join’s ±10 s window ~2 records per key: a bounded, repeatable load (with load-time timestamps both topics fall into one window and every record joins every other record of its key). window-store is SimpleBenchmark’s streamprocesswithwindowstore (window 1000 ms, retention 3000 ms, no duplicates; Kafka Streams: persistent RocksDB with caching), keys fetched from max(0, k−10) to k+10.',
      'Joins (SimpleBenchmark’s streamtablejoin, streamstreamjoin, tabletablejoin; the joiner returns the left value): rec/s counts the input records of both topics (2 × N), as both apps see them before the join; tables are built with stream(topic).toTable() so their input can be counted before the store and Kafka Streams’ cache (builder.table() would show only what the cache lets through). The join results each side emitted are in the row’s note (SimpleBenchmark counted join results instead; their number depends on the data and on cache flushes, not on the work done). stream-stream-join: JoinWindows.ofTimeDifferenceWithNoGrace(10 s); Kafka Streams’ join stores are RocksDB window stores (not cached).',
      repeats > 1
        ? `Every cell ran ${repeats} times (Tributary and Kafka Streams interleaved, KS first in odd runs); each column is the median over the runs, rec/s also gives the slowest and fastest run. A side that failed, timed out or took over ${NO_REPEAT_AFTER_MS / 1000} s is not repeated (a rate without a range is one run). Every run in the JSON (allRuns).`
        : 'One run per cell (--repeat N for medians): on this shared 2-core machine expect ±30% between runs.',
    ],
  };
}

function rowNote(w: Workload, t: SideResult, k: SideResult): string | undefined {
  const outputs = (side: SideResult) =>
    'na' in side || side.raw.joinOutputs === undefined ? '—' : Number(side.raw.joinOutputs).toLocaleString('en-US');
  const notes = [
    ...(w.name.startsWith('raw') ? ['Java: plain clients'] : []),
    ...(w.javaOptions?.store === 'memory' ? ['KS: in-memory store'] : []),
    ...(w.javaOptions?.['cache-bytes'] === '0' ? ['KS: no record cache'] : []),
    ...(w.tributaryOptions?.store === 'persistent' ? ['T: persistent store'] : []),
    ...(w.exactlyOnce ? ['exactly_once_v2'] : []),
    // Both sides should emit about as many join results; a large gap means different semantics.
    ...(w.join ? [`rec/s counts both inputs; join results T / KS: ${outputs(t)} / ${outputs(k)}`] : []),
  ];
  return notes.length > 0 ? notes.join('; ') : undefined;
}

async function runAnchors(
  bootstrap: string,
  anchorTopic: string,
  seamPipeTopic: string,
  records: number,
): Promise<AnchorRow[]> {
  const anchors: AnchorRow[] = [];
  process.stderr.write('  anchor: kafka-producer-perf-test ...\n');
  try {
    const p = await producerPerfTest(bootstrap, anchorTopic, records, 100);
    anchors.push({
      anchor: 'kafka-producer-perf-test (Java producer)',
      recordsPerSec: p.recordsPerSec,
      detail: `${records} × 100 B, acks=all, linger.ms=5, batch 128 KiB`,
    });
  } catch (error) {
    anchors.push({
      anchor: 'kafka-producer-perf-test (Java producer)',
      recordsPerSec: undefined,
      detail: `failed: ${(error as Error).message.slice(0, 200)}`,
    });
  }
  process.stderr.write('  anchor: kafka-consumer-perf-test ...\n');
  try {
    const c = await consumerPerfTest(bootstrap, anchorTopic, records);
    anchors.push({
      anchor: 'kafka-consumer-perf-test (Java consumer)',
      recordsPerSec: c.recordsPerSec,
      detail: `fetch.nMsg.sec; ${Math.round(c.recordsPerSecWithJoin)} rec/s including the group join`,
    });
  } catch (error) {
    anchors.push({
      anchor: 'kafka-consumer-perf-test (Java consumer)',
      recordsPerSec: undefined,
      detail: `failed: ${(error as Error).message.slice(0, 200)}`,
    });
  }
  const run = await runMeasuredChild(
    process.execPath,
    [
      workerPath,
      'raw-pipe',
      '--bootstrap',
      bootstrap,
      '--topic',
      seamPipeTopic,
      '--records',
      String(records),
      '--value-size',
      '100',
    ],
    { timeoutMs: 600_000, label: 'anchor: Tributary seam raw pipe (bench/raw-pipe.ts)' },
  );
  const r = run.result;
  const why = r && 'na' in r ? String(r.na) : `failed (exit ${run.exitCode}): ${lastLine(run.stderrTail)}`;
  const ok = r && !('na' in r);
  anchors.push({
    anchor: 'Tributary seam: produce (bench/raw-pipe.ts)',
    recordsPerSec: ok ? Number(r.produceRecordsPerSec) : undefined,
    detail: ok ? `${records} × 100 B, @platformatic/kafka through the KafkaBackend seam` : why,
  });
  anchors.push({
    anchor: 'Tributary seam: fetch (bench/raw-pipe.ts)',
    recordsPerSec: ok ? Number(r.fetchRecordsPerSec) : undefined,
    detail: ok ? `${records} × 100 B` : why,
  });
  return anchors;
}

/** The broker's CPU-seconds from now until the returned function is called. */
function brokerCpuMeter(broker: BenchBroker): () => number {
  const total = () => broker.pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
  const before = total();
  return () => total() - before;
}

function withBrokerCpu(
  result: Record<string, unknown> | undefined,
  brokerCpu: () => number,
): Record<string, unknown> | undefined {
  return result && { ...result, brokerCpuSecondsWholeRun: brokerCpu() };
}

/**
 * For a sink workload: a watcher connected before the app starts; once the app says it processed its input,
 * it polls the sink and answers `output-complete` when the sink holds `records` records.
 */
async function sinkWatch(
  w: Workload,
  topic: string,
  records: number,
): Promise<{ onLine: NonNullable<ChildOptions['onLine']>; close(): Promise<void> } | undefined> {
  if (!w.watchSink || !bootstrapInUse) return undefined;
  const watcher = await SinkWatcher.open(bootstrapInUse, topic, { readCommitted: w.exactlyOnce });
  return {
    onLine: (line, reply) => {
      if (!line.includes('"event":"processed"')) return;
      watcher.waitFor(records).then(
        () => {
          if (watcher.reached) reply('output-complete');
        },
        (error) => process.stderr.write(`  sink watcher on ${topic} failed: ${(error as Error).message}\n`),
      );
    },
    close: async () => {
      watcher.stop();
      await watcher.close();
    },
  };
}

/**
 * Adds how many records the sink topic holds (checked after the app exited). A transactional sink is read
 * with read_committed: its end offsets also count commit markers, and aborted records are not output.
 */
async function withSinkRecords(
  result: Record<string, unknown> | undefined,
  topic: string | undefined,
  readCommitted = false,
): Promise<Record<string, unknown> | undefined> {
  if (!result || !topic || !bootstrapInUse) return result;
  return {
    ...result,
    sinkRecords: readCommitted
      ? await committedSinkRecords(bootstrapInUse, topic)
      : await sinkRecords(bootstrapInUse, topic),
    ...(readCommitted ? { sinkIsolation: 'read_committed' } : {}),
  };
}

async function mustRun(pending: ReturnType<typeof runJavaBench>, what: string): Promise<Record<string, unknown>> {
  const run = await pending;
  if (!run.result) throw new Error(`${what} failed (exit ${run.exitCode}):\n${run.stderrTail}`);
  return run.result;
}

/** The line that says why a child failed: the last one naming an error, else the last line. */
function lastLine(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => l.trim());
  // Node ends a crash with its version line; the error is above it.
  const error = lines.findLast((l) => /error|failed|exception/i.test(l));
  return (error ?? lines.at(-1))?.trim().slice(0, 200) ?? 'no output';
}

await main();
