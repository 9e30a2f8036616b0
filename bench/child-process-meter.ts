import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What one measured child process printed and what the parent saw of it. */
export interface ChildRun {
  /** The last line of stdout that parsed as a JSON object (the child's own measurement). */
  readonly result: Record<string, unknown> | undefined;
  readonly exitCode: number | null;
  readonly wallMs: number;
  /** VmHWM sampled by the parent from /proc/<pid>/status: a cross-check of the child's own figure. */
  readonly sampledPeakRssBytes: number;
  /** utime+stime sampled by the parent from /proc/<pid>/stat (misses the last sampling interval). */
  readonly sampledCpuSeconds: number;
  readonly stderrTail: string;
}

export interface ChildOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The child is killed (SIGKILL) after this long; the run then reports whatever it printed. */
  readonly timeoutMs: number;
  /** Written to our stderr before the run, so a long bench shows where it is. */
  readonly label?: string;
  /**
   * Called for every line the child prints on stdout; `reply` writes a line to the child's stdin (the sink
   * watcher uses it to tell a sink app that its output is complete).
   */
  readonly onLine?: (line: string, reply: (line: string) => void) => void;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * Runs one benchmark app as its own process (so its CPU and memory are its own), samples its
 * /proc entries while it runs, and returns its JSON result line.
 */
export function runMeasuredChild(command: string, args: readonly string[], options: ChildOptions): Promise<ChildRun> {
  if (options.label) process.stderr.write(`  ${options.label} ...\n`);
  const started = Date.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  const reply = (line: string) => {
    if (child.stdin.writable) child.stdin.write(`${line}\n`);
  };
  child.stdin.on('error', () => {}); // the child may exit without reading
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (!options.onLine) return;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) options.onLine(line, reply);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  let sampledPeakRssBytes = 0;
  let sampledCpuSeconds = 0;
  const sample = () => {
    if (child.pid === undefined) return;
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
      if (hwm) sampledPeakRssBytes = Math.max(sampledPeakRssBytes, Number(hwm[1]) * 1024);
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      // Fields after the ")" that closes the command name; utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sampledCpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      // the child has exited between two samples
    }
  };
  const sampler = setInterval(sample, 200);
  const killer = setTimeout(() => {
    process.stderr.write(`  ${options.label ?? command}: killed after ${options.timeoutMs} ms\n`);
    child.kill('SIGKILL');
  }, options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearInterval(sampler);
      clearTimeout(killer);
      reject(new Error(`cannot start ${command}: ${error.message}`));
    });
    child.on('close', (exitCode) => {
      child.stdin.destroy();
      clearInterval(sampler);
      clearTimeout(killer);
      resolve({
        result: lastJsonObject(stdout),
        exitCode,
        wallMs: Date.now() - started,
        sampledPeakRssBytes,
        sampledCpuSeconds,
        stderrTail: stderr.split('\n').slice(-15).join('\n'),
      });
    });
  });
}

function lastJsonObject(text: string): Record<string, unknown> | undefined {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      // not the result line
    }
  }
  return undefined;
}

/** utime+stime of a running process in seconds (0 when it is gone): the broker's share of a run. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
