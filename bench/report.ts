import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LatencyResult } from './latency.ts';
import type { RestoreResult } from './restore.ts';

/** One side's figure for one workload, or why there is none. */
export type SideResult =
  | {
      readonly recordsPerSec: number;
      readonly cpuSecondsPerMillion: number;
      readonly peakRssBytes: number;
      readonly processed: number;
      readonly expected: number;
      readonly timedOut: boolean;
      /** Records per second between the 10% and the 90% mark (0: none). */
      readonly steadyRecordsPerSec: number;
      /** What the app printed, unchanged (with repeats: the run whose rate is the median). */
      readonly raw: Record<string, unknown>;
      /** With repeats (--repeat N): how many runs, the slowest and fastest rate, and every run's output. */
      readonly runs?: number;
      readonly recordsPerSecMin?: number;
      readonly recordsPerSecMax?: number;
      readonly allRuns?: readonly Record<string, unknown>[];
    }
  | { readonly na: string };

export interface WorkloadRow {
  readonly workload: string;
  readonly input: string;
  readonly tributary: SideResult;
  readonly kafkaStreams: SideResult;
  readonly note?: string;
}

export interface AnchorRow {
  readonly anchor: string;
  readonly recordsPerSec: number | undefined;
  readonly detail: string;
}

export interface BenchReport {
  readonly latency: readonly LatencyResult[];
  readonly restore: readonly RestoreResult[];
  readonly startedAt: string;
  readonly mode: string;
  readonly command: string;
  readonly environment: Record<string, string>;
  readonly anchors: readonly AnchorRow[];
  readonly rows: readonly WorkloadRow[];
  readonly notes: readonly string[];
}

/** Turns an app's JSON line into a {@link SideResult}. */
export function sideResult(raw: Record<string, unknown> | undefined, why: string): SideResult {
  if (!raw) return { na: why };
  const processed = Number(raw.processed);
  // Sink workloads: the window ends when the sink topic holds the whole output.
  const toOutput = raw.recordsPerSecToOutput !== undefined;
  const cpu = Number(toOutput ? raw.cpuSecondsWindowToOutput : raw.cpuSecondsWindow);
  return {
    recordsPerSec: Number(toOutput ? raw.recordsPerSecToOutput : raw.recordsPerSec),
    cpuSecondsPerMillion: processed > 0 ? (cpu / processed) * 1e6 : Number.NaN,
    peakRssBytes: Number(raw.peakRssBytes),
    processed,
    expected: Number(raw.expected),
    timedOut: Boolean(raw.timedOut) || raw.outputComplete === false,
    steadyRecordsPerSec: Math.max(Number(raw.recordsPerSecSteady) || 0, 0),
    raw,
  };
}

/**
 * One side's figure over repeated runs of the same cell: the median of each column (rate, CPU, RSS, steady
 * rate), the slowest and fastest rate, and the median-rate run as `raw`. A cell counts as timed out if any
 * run did. No runs: `na` with `why`.
 */
export function repeatedSideResult(raws: readonly Record<string, unknown>[], why: string): SideResult {
  const sides = raws
    .map((raw) => sideResult(raw, why))
    .filter((s): s is Extract<SideResult, { raw: unknown }> => !('na' in s));
  if (sides.length === 0) return { na: why };
  if (sides.length === 1) return sides[0];
  const byRate = [...sides].sort((a, b) => a.recordsPerSec - b.recordsPerSec);
  const middle = byRate[Math.floor((byRate.length - 1) / 2)];
  return {
    recordsPerSec: median(sides.map((s) => s.recordsPerSec)),
    cpuSecondsPerMillion: median(sides.map((s) => s.cpuSecondsPerMillion)),
    peakRssBytes: median(sides.map((s) => s.peakRssBytes)),
    steadyRecordsPerSec: median(sides.map((s) => s.steadyRecordsPerSec)),
    processed: Math.min(...sides.map((s) => s.processed)),
    expected: middle.expected,
    timedOut: sides.some((s) => s.timedOut),
    raw: middle.raw,
    runs: sides.length,
    recordsPerSecMin: byRate[0].recordsPerSec,
    recordsPerSecMax: byRate[byRate.length - 1].recordsPerSec,
    allRuns: sides.map((s) => s.raw),
  };
}

/** The median (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
/** 1234567 → "1.23M", 98765 → "98.8k": the compact form of a min–max range. */
const fmtShort = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toPrecision(3)}M` : n >= 1e3 ? `${(n / 1e3).toPrecision(3)}k` : `${Math.round(n)}`;
const fmt1 = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '—');
const mib = (bytes: number) => (bytes > 0 ? `${Math.round(bytes / 1048576)}` : '—');

function rate(side: SideResult): string {
  if ('na' in side) return side.na;
  let text = fmtInt(side.recordsPerSec);
  if (side.runs !== undefined && side.recordsPerSecMin !== undefined && side.recordsPerSecMax !== undefined) {
    text += ` (${fmtShort(side.recordsPerSecMin)}–${fmtShort(side.recordsPerSecMax)})`;
  }
  if (typeof side.raw.failure === 'string') text += ` (failed: ${side.raw.failure.slice(0, 80)})`;
  else if (side.timedOut) text += ` (timed out at ${fmtInt(side.processed)}/${fmtInt(side.expected)})`;
  const sink = side.raw.sinkRecords;
  if (typeof sink === 'number' && sink < Math.min(side.processed, side.expected))
    text += ` (sink holds only ${fmtInt(sink)})`;
  return text;
}

function pair(t: SideResult, k: SideResult, pick: (s: Extract<SideResult, { raw: unknown }>) => string): string {
  const one = (s: SideResult) => ('na' in s ? '—' : pick(s));
  return `${one(t)} / ${one(k)}`;
}

/** The one table: workload, both rates, ratio, CPU-seconds per million records, peak RSS. */
export function renderTable(rows: readonly WorkloadRow[]): string {
  const repeated = rows.some((r) => [r.tributary, r.kafkaStreams].some((s) => !('na' in s) && s.runs !== undefined));
  const rates = repeated ? 'rec/s, median (min–max)' : 'rec/s';
  const medians = repeated ? ', medians' : '';
  const lines = [
    `| workload | input | Tributary ${rates} | Kafka Streams ${rates} | ratio T/KS | app CPU-s per M records (T / KS${medians}) | peak RSS MiB (T / KS${medians}) | steady 10–90% rec/s (T / KS${medians}) |`,
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const t = row.tributary;
    const k = row.kafkaStreams;
    const ratio =
      'na' in t || 'na' in k || k.recordsPerSec <= 0 ? '—' : `${(t.recordsPerSec / k.recordsPerSec).toFixed(2)}×`;
    lines.push(
      `| ${row.workload}${row.note ? ` (${row.note})` : ''} | ${row.input} | ${rate(t)} | ${rate(k)} | ${ratio} | ${pair(t, k, (s) => fmt1(s.cpuSecondsPerMillion))} | ${pair(t, k, (s) => mib(s.peakRssBytes))} | ${pair(t, k, (s) => (s.steadyRecordsPerSec > 0 ? fmtInt(s.steadyRecordsPerSec) : '—'))} |`,
    );
  }
  return lines.join('\n');
}

export function renderAnchors(anchors: readonly AnchorRow[]): string {
  const lines = ['| anchor (same broker, same run) | rec/s | detail |', '|---|---:|---|'];
  for (const a of anchors) {
    lines.push(`| ${a.anchor} | ${a.recordsPerSec === undefined ? 'n/a' : fmtInt(a.recordsPerSec)} | ${a.detail} |`);
  }
  return lines.join('\n');
}

export function renderLatency(latency: readonly LatencyResult[]): string {
  if (latency.length === 0) return '';
  const lines = [
    '| end-to-end latency, passthrough | input rate (achieved) | records | p50 ms | p99 ms | p99.9 ms | max ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const l of latency) {
    const name = l.impl === 'java' ? 'Kafka Streams' : 'Tributary';
    const cells = l.failure ? [l.failure, '', '', ''] : [l.p50Ms, l.p99Ms, l.p999Ms, l.maxMs].map(String);
    lines.push(
      `| ${name} | ${fmtInt(l.rate)} (${fmtInt(l.achievedRate)}) | ${fmtInt(l.records)} | ${cells.join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

export function renderRestore(restore: readonly RestoreResult[]): string {
  if (restore.length === 0) return '';
  const lines = [
    '| restore of a count store | changelog records | restored (listener) | start → RUNNING ms | restored rec/s | CPU-s | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of restore) {
    const name = r.impl === 'java' ? 'Kafka Streams (RocksDB)' : 'Tributary (in-memory)';
    if (r.failure) lines.push(`| ${name} | ${fmtInt(r.changelogRecords)} | ${r.failure} | | | | |`);
    else
      lines.push(
        `| ${name} | ${fmtInt(r.changelogRecords)} | ${fmtInt(r.restoredRecords)} | ${fmtInt(r.startToRunningMs)} | ${fmtInt(r.restoredRecordsPerSec)} | ${fmt1(r.cpuSeconds)} | ${mib(r.peakRssBytes)} |`,
      );
  }
  return lines.join('\n');
}

export function renderMarkdown(report: BenchReport): string {
  const env = Object.entries(report.environment)
    .map(([k, v]) => `- ${k}: ${v}`)
    .join('\n');
  return [
    `# Tributary vs Apache Kafka Streams — ${report.startedAt} (${report.mode})`,
    '',
    `Command: \`${report.command}\``,
    '',
    renderTable(report.rows),
    '',
    renderLatency(report.latency),
    '',
    renderRestore(report.restore),
    '',
    renderAnchors(report.anchors),
    '',
    '## Environment',
    env,
    '',
    '## Notes',
    ...report.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

/** Writes bench/results/<timestamp>.{json,md} and latest.{json,md}; returns the markdown path. */
export function writeReport(report: BenchReport): string {
  const dir = resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  const json = join(dir, `${stamp}.json`);
  const md = join(dir, `${stamp}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, renderMarkdown(report));
  formatMarkdown(md);
  copyFileSync(json, join(dir, 'latest.json'));
  copyFileSync(md, join(dir, 'latest.md'));
  return md;
}

/** Lays the file out as the project's formatter does (aligned tables), so results pass `npm run lint`. */
function formatMarkdown(path: string): void {
  const biome = resolve(import.meta.dirname, '../node_modules/.bin/biome');
  if (!existsSync(biome)) return;
  try {
    execFileSync(biome, ['format', '--write', path], { stdio: 'ignore' });
  } catch {
    // formatting is cosmetic; the results are written either way
  }
}
