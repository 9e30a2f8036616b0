import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ChildOptions, type ChildRun, runMeasuredChild } from './child-process-meter.ts';

const PROJECT_DIR = resolve(import.meta.dirname, '../java/streams-bench');
const JAR = join(PROJECT_DIR, 'target/streams-bench-1.0.0.jar');
const CLASSPATH_FILE = join(PROJECT_DIR, 'target/classpath.txt');
const MAIN_CLASS = 'dev.tributary.bench.StreamsBench';

/** The JVM flags of every Java app in the bench; a fixed heap cap makes the RSS column comparable. */
export const JAVA_OPTS = ['-Xms256m', '-Xmx1g', '-XX:+UseG1GC'];

/** Builds java/streams-bench with Maven when the jar is missing or older than a source file. */
export function ensureJavaBenchBuilt(): void {
  if (existsSync(JAR) && existsSync(CLASSPATH_FILE) && newestSource(PROJECT_DIR) <= statSync(JAR).mtimeMs) return;
  process.stderr.write('building java/streams-bench with Maven ...\n');
  try {
    execFileSync('mvn', ['-q', '-f', join(PROJECT_DIR, 'pom.xml'), 'package'], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch (error) {
    throw new Error(`Maven build of ${PROJECT_DIR} failed (needs Java 17+ and mvn on PATH)`, { cause: error });
  }
}

function newestSource(dir: string): number {
  let newest = statSync(join(dir, 'pom.xml')).mtimeMs;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(dir, 'src'));
  return newest;
}

/** Runs one workload of the Java side (see StreamsBench.java for the workloads and their options). */
export function runJavaBench(
  workload: string,
  options: Readonly<Record<string, string | number>>,
  timeoutMs: number,
  label?: string,
  onLine?: ChildOptions['onLine'],
): Promise<ChildRun> {
  const classpath = `${JAR}:${readFileSync(CLASSPATH_FILE, 'utf8').trim()}`;
  const args = [...JAVA_OPTS, '-cp', classpath, MAIN_CLASS, workload];
  for (const [name, value] of Object.entries(options)) args.push(`--${name}`, String(value));
  return runMeasuredChild('java', args, { timeoutMs, label, onLine });
}
