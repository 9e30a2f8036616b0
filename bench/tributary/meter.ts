import { readFileSync } from 'node:fs';

/**
 * The completion detector and stopwatch of one Tributary run: counts processed records, notes the time
 * and the process's CPU time at the first and at the expected last record, and yields the same JSON
 * fields as the Java side's Meter (java/streams-bench/.../Meter.java), so bench/run.ts reads both alike.
 */
export class Meter {
  readonly expected: number;
  #processed = 0;
  readonly #startNs = process.hrtime.bigint();
  readonly #cpuAtStart = cpuMicros();
  #firstNs = 0n;
  #cpuAtFirst = 0;
  #lastNs = 0n;
  #cpuAtLast = 0;
  #outputNs = 0n;
  #cpuAtOutput = 0;
  #at10PercentNs = 0n;
  #at90PercentNs = 0n;
  readonly #mark10: number;
  readonly #mark90: number;
  #resolveDone: () => void = () => {};
  /** Resolves once the expected number of records was processed (or finish() was called). */
  readonly done: Promise<void>;

  constructor(expected: number) {
    this.expected = expected;
    this.#mark10 = Math.floor(expected / 10);
    this.#mark90 = Math.floor((expected * 9) / 10);
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  get processed(): number {
    return this.#processed;
  }

  /** Called once per processed record. */
  record(): void {
    const n = ++this.#processed;
    if (n === 1) this.markFirst();
    if (n === this.#mark10) this.#at10PercentNs = process.hrtime.bigint();
    if (n === this.#mark90) this.#at90PercentNs = process.hrtime.bigint();
    if (n === this.expected) this.finish();
  }

  /** Starts the window now if it has not started (a pipe's first record is fetched long before it is acknowledged). */
  markFirst(): void {
    if (this.#firstNs !== 0n) return;
    this.#firstNs = process.hrtime.bigint();
    this.#cpuAtFirst = cpuMicros();
  }

  /** Adds a whole batch at once (raw consume: counting per record would measure the counter). */
  recordMany(count: number): void {
    if (count <= 0) return;
    this.markFirst();
    const before = this.#processed;
    this.#processed += count;
    // One clock reading for both marks: a batch that crosses both gives no steady-state figure (reported as —).
    const now = process.hrtime.bigint();
    if (before < this.#mark10 && this.#processed >= this.#mark10) this.#at10PercentNs = now;
    if (before < this.#mark90 && this.#processed >= this.#mark90) this.#at90PercentNs = now;
    if (before < this.expected && this.#processed >= this.expected) this.finish();
  }

  /** Marks the end now (for a last step that is not one record, e.g. a final flush). */
  finish(): void {
    if (this.#lastNs !== 0n) return;
    this.#lastNs = process.hrtime.bigint();
    this.#cpuAtLast = cpuMicros();
    this.#resolveDone();
  }

  /** Marks the moment the sink topic held the whole output (sink workloads: the end of their window). */
  markOutputComplete(): void {
    this.#outputNs = process.hrtime.bigint();
    this.#cpuAtOutput = cpuMicros();
  }

  /** The result; after a timeout the figures cover what was processed until now. */
  result(workload: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const timedOut = this.#lastNs === 0n;
    const end = timedOut ? process.hrtime.bigint() : this.#lastNs;
    const cpuEnd = timedOut ? cpuMicros() : this.#cpuAtLast;
    const n = Math.min(this.#processed, this.expected);
    const firstToLastMs = this.#firstNs === 0n ? 0 : Number(end - this.#firstNs) / 1e6;
    const startToLastMs = Number(end - this.#startNs) / 1e6;
    return {
      workload,
      impl: 'tributary',
      expected: this.expected,
      processed: n,
      timedOut,
      firstToLastMs,
      startToLastMs,
      recordsPerSec: firstToLastMs > 0 ? n / (firstToLastMs / 1000) : 0,
      recordsPerSecFromStart: startToLastMs > 0 ? n / (startToLastMs / 1000) : 0,
      // Steady state: the records between the 10% and the 90% mark, without warm-up and tail.
      recordsPerSecSteady:
        this.#at10PercentNs > 0n && this.#at90PercentNs > this.#at10PercentNs
          ? (this.#mark90 - this.#mark10) / (Number(this.#at90PercentNs - this.#at10PercentNs) / 1e9)
          : 0,
      cpuSecondsWindow: this.#firstNs === 0n ? 0 : (cpuEnd - this.#cpuAtFirst) / 1e6,
      cpuSecondsRun: (cpuEnd - this.#cpuAtStart) / 1e6,
      cpuSecondsProcess: cpuMicros() / 1e6,
      peakRssBytes: peakRssBytes(),
      ...(this.#outputNs > 0n && this.#firstNs > 0n
        ? {
            outputCompleteMs: Number(this.#outputNs - this.#firstNs) / 1e6,
            recordsPerSecToOutput: n / (Number(this.#outputNs - this.#firstNs) / 1e9),
            cpuSecondsWindowToOutput: (this.#cpuAtOutput - this.#cpuAtFirst) / 1e6,
          }
        : {}),
      runtime: `node ${process.version}`,
      // The measurement window on the monotonic clock in µs (the clock of --cpu-prof's sample times).
      windowStartMicros: Number(this.#firstNs / 1000n),
      windowEndMicros: Number((this.#outputNs > 0n ? this.#outputNs : end) / 1000n),
      ...extra,
    };
  }
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** VmHWM of /proc/self/status (the peak resident set), as the Java side reads it; maxRSS elsewhere. */
export function peakRssBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
