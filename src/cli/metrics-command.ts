/**
 * `tributary metrics <url>`: reads a running StreamsDashboard's snapshot (`<url>/dashboard.json`) and prints a
 * compact table: the client's state, each thread's rates, each task's rates, totals and lag.
 */
import type { DashboardSnapshot } from '../dashboard/dashboard-snapshot.ts';
import type { Metric } from '../metrics/metric.ts';
import { parseCommandLine } from './parse-command-line.ts';
import { UsageError } from './usage-error.ts';

export const METRICS_HELP = `Usage: tributary metrics <url> [--timeout-ms MS]
  Prints the metrics of a running app from its StreamsDashboard, e.g. tributary metrics http://127.0.0.1:8080/`;

/** A failure to read the dashboard (not the user's command line): exit code 1. */
export class MetricsFetchError extends Error {
  override name = 'MetricsFetchError';
}

export function snapshotUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`<url> '${text}' is not a URL (e.g. http://127.0.0.1:8080/)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`<url> '${text}' must be http(s)`);
  if (!url.pathname.endsWith('.json')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/dashboard.json`;
  return url;
}

function value(metrics: readonly Metric[], group: string, name: string, tags: Record<string, string>): number {
  const found = metrics.find(
    (m) => m.group === group && m.name === name && Object.entries(tags).every(([k, v]) => m.tags[k] === v),
  );
  return typeof found?.value === 'number' ? found.value : 0;
}

const figure = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1));

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // Text left, figures right.
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 || Number.isNaN(Number(c)) ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export function formatSnapshot(snapshot: DashboardSnapshot): string {
  const m = snapshot.metrics;
  const app = m.find((x) => x.group === 'stream-metrics' && x.name === 'application-id')?.value ?? '?';
  const out: string[] = [`application ${app}  state ${snapshot.state}  threads ${snapshot.threads.length}`, ''];
  out.push(
    table(
      ['thread', 'state', 'process/s', 'processed', 'poll/s', 'commit/s', 'commit-ms-avg', 'punctuate/s'],
      snapshot.threads.map((t) => {
        const tags = { 'thread-id': t.threadName };
        const g = (name: string) => figure(value(m, 'stream-thread-metrics', name, tags));
        return [
          t.threadName,
          t.threadState,
          g('process-rate'),
          g('process-total'),
          g('poll-rate'),
          g('commit-rate'),
          g('commit-latency-avg'),
          g('punctuate-rate'),
        ];
      }),
    ),
    '',
  );
  const lagOf = (topic: string, partition: number) =>
    value(m, 'consumer-fetch-manager-metrics', 'records-lag', { topic, partition: String(partition) });
  out.push(
    table(
      ['task', 'phase', 'partitions', 'process/s', 'processed', 'dropped', 'lag'],
      snapshot.threads.flatMap((t) =>
        t.activeTasks.map((task) => {
          const tags = { 'thread-id': t.threadName, 'task-id': task.taskId };
          const g = (name: string) => figure(value(m, 'stream-task-metrics', name, tags));
          const lag = task.topicPartitions.reduce((sum, tp) => sum + lagOf(tp.topic, tp.partition), 0);
          return [
            task.taskId,
            task.phase,
            task.topicPartitions.map((tp) => `${tp.topic}-${tp.partition}`).join(','),
            g('process-rate'),
            g('process-total'),
            g('dropped-records-total'),
            figure(lag),
          ];
        }),
      ),
    ),
  );
  return `${out.join('\n')}\n`;
}

export async function metricsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('metrics', args, {
    'timeout-ms': { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${METRICS_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(`'tributary metrics' needs one <url>, got ${positionals.length}\n${METRICS_HELP}`);
  const timeoutText = (values['timeout-ms'] as string | undefined) ?? '5000';
  const timeoutMs = Number(timeoutText);
  if (!/^\d+$/.test(timeoutText) || timeoutMs <= 0)
    throw new UsageError(`--timeout-ms must be a positive number of ms, got '${timeoutText}'`);
  const url = snapshotUrl(positionals[0]);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new MetricsFetchError(`cannot read ${url.href}: ${cause}`);
  }
  if (!response.ok)
    throw new MetricsFetchError(`${url.href} answered HTTP ${response.status} (is it a Tributary dashboard?)`);
  let snapshot: DashboardSnapshot;
  try {
    snapshot = (await response.json()) as DashboardSnapshot;
  } catch {
    throw new MetricsFetchError(`${url.href} did not answer JSON (is it a Tributary dashboard?)`);
  }
  if (!Array.isArray(snapshot.metrics) || !Array.isArray(snapshot.threads))
    throw new MetricsFetchError(`${url.href} is not a Tributary dashboard snapshot (no metrics/threads)`);
  process.stdout.write(formatSnapshot(snapshot));
  return 0;
}
