import { join } from 'node:path';
import { PlatformaticBackend } from '../src/kafka/platformatic/index.ts';
import { type ChildRun, runMeasuredChild } from './child-process-meter.ts';
import { runJavaBench } from './java-bench.ts';

export interface RestoreOptions {
  readonly bootstrap: string;
  readonly impl: 'tributary' | 'java';
  /** Input topic already loaded with `records` records over (about) as many distinct keys. */
  readonly input: string;
  readonly records: number;
  readonly topicPrefix: string;
  readonly stateDir: string;
  readonly workerPath: string;
}

export interface RestoreResult {
  readonly impl: 'tributary' | 'java';
  /** Records in the app's changelog topics: what a restore reads. */
  readonly changelogRecords: number;
  /** Records the app's StateRestoreListener reported restored. */
  readonly restoredRecords: number;
  readonly startToRunningMs: number;
  readonly restoredRecordsPerSec: number;
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
  readonly failure?: string;
}

/**
 * Restore speed of a count store: one run counts the input (many distinct keys; Kafka Streams with
 * statestore.cache.max.bytes=0), filling its changelog; a second run of the same application.id starts over
 * an empty state directory and is timed from start() to RUNNING, which waits for the restore.
 */
export async function runRestore(options: RestoreOptions): Promise<RestoreResult> {
  const { bootstrap, impl } = options;
  const appId = `${options.topicPrefix}-restore-${impl}`;
  const common = { bootstrap, source: options.input, records: options.records, 'app-id': appId, 'timeout-ms': 180_000 };
  const fail = (failure: string, changelogRecords = 0): RestoreResult => ({
    impl,
    changelogRecords,
    restoredRecords: 0,
    startToRunningMs: Number.NaN,
    restoredRecordsPerSec: Number.NaN,
    cpuSeconds: Number.NaN,
    peakRssBytes: 0,
    failure,
  });
  const fill = await run(
    impl,
    'count',
    { ...common, 'state-dir': join(options.stateDir, `restore-fill-${impl}`) },
    options,
  );
  if (!fill.result || fill.result.timedOut) return fail(`fill run failed (exit ${fill.exitCode}) ${lastLine(fill)}`);
  const changelogRecords = await changelogSize(bootstrap, appId);
  if (changelogRecords === 0) return fail('the fill run left no changelog records');
  const restore = await run(
    impl,
    impl === 'java' ? 'count' : 'count-restore',
    { ...common, 'state-dir': join(options.stateDir, `restore-${impl}`), 'restore-only': 'true' },
    options,
  );
  const r = restore.result;
  if (!r || r.timedOut)
    return fail(`restore run failed (exit ${restore.exitCode}) ${lastLine(restore)}`, changelogRecords);
  const ms = Number(r.startToRunningMs);
  const restoredRecords = Number(r.restoredRecords ?? 0);
  return {
    impl,
    changelogRecords,
    restoredRecords,
    startToRunningMs: ms,
    restoredRecordsPerSec: restoredRecords / (ms / 1000),
    cpuSeconds: Number(r.cpuSeconds),
    peakRssBytes: Number(r.peakRssBytes),
  };
}

function run(
  impl: 'tributary' | 'java',
  workload: string,
  options: Record<string, string | number>,
  restore: RestoreOptions,
): Promise<ChildRun> {
  const label = `${impl === 'java' ? 'kafka streams' : 'tributary'} restore: ${workload}${options['restore-only'] ? ' (restore)' : ' (fill)'}`;
  if (impl === 'java') {
    // No record cache, so that every update reaches the changelog (as in Tributary's stores).
    return runJavaBench(workload, { ...options, 'cache-bytes': 0 }, 300_000, label);
  }
  const { 'restore-only': _ignored, ...rest } = options;
  const args = [restore.workerPath, workload];
  for (const [k, v] of Object.entries(rest)) args.push(`--${k}`, String(v));
  return runMeasuredChild(process.execPath, args, { timeoutMs: 300_000, label });
}

function lastLine(run: ChildRun): string {
  return run.stderrTail.trim().split('\n').filter(Boolean).at(-1)?.slice(0, 200) ?? '';
}

/** Sum of the end offsets of every `<appId>-…-changelog` topic. */
async function changelogSize(bootstrap: string, appId: string): Promise<number> {
  const backend = new PlatformaticBackend({ bootstrapServers: bootstrap.split(','), clientId: 'bench-restore' });
  try {
    const topics = (await backend.admin.listTopics()).filter(
      (t) => t.startsWith(`${appId}-`) && t.endsWith('-changelog'),
    );
    if (topics.length === 0) return 0;
    const requests = (await backend.admin.describeTopics(topics)).flatMap((d) =>
      d.partitions.map((p) => ({ topic: d.name, partition: p.partition, spec: 'latest' as const })),
    );
    return (await backend.admin.listOffsets(requests)).reduce((sum, o) => sum + o.offset, 0);
  } finally {
    await backend.close();
  }
}
