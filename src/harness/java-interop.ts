/**
 * Test support: builds and runs `java/interop` (a small program on Java's kafka-clients) so tests can compare
 * Tributary's partitioner and serdes with Java's own. The jar is built once with Maven (offline when ~/.m2 has
 * everything) and reused until pom.xml or a source file changes.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const JAVA_INTEROP_DIR: string = fileURLToPath(new URL('../../java/interop/', import.meta.url));
const JAR = join(JAVA_INTEROP_DIR, 'target', 'interop.jar');
const LIB = join(JAVA_INTEROP_DIR, 'target', 'lib');
const LOCK = join(JAVA_INTEROP_DIR, 'target', '.build-lock');

/** Why the Java side cannot run here (no java or mvn on PATH), or undefined when it can. */
export function javaInteropUnavailable(): string | undefined {
  for (const tool of ['java', 'mvn']) {
    const probe = spawnSync(tool, ['-version'], { stdio: 'ignore', timeout: 30_000 });
    if (probe.error || probe.status !== 0) return `${tool} is not available (needed for the Java comparison)`;
  }
  return undefined;
}

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function upToDate(): boolean {
  try {
    const built = statSync(JAR).mtimeMs;
    statSync(LIB);
    const sources = Math.max(
      statSync(join(JAVA_INTEROP_DIR, 'pom.xml')).mtimeMs,
      newestSourceMtime(join(JAVA_INTEROP_DIR, 'src')),
    );
    return built >= sources;
  } catch {
    return false;
  }
}

function run(command: string, args: readonly string[], options: { cwd?: string; input?: string; timeoutMs: number }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          if ((error as { killed?: boolean }).killed) {
            reject(new Error(`${command} ${args.join(' ')} timed out after ${options.timeoutMs} ms\n${stderr}`));
          } else if (error.code === 'ENOENT') reject(new Error(`${command} not found`));
          else resolve({ code: null, stdout, stderr: `${stderr}\n${error.message}` });
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    child.stdin!.end(options.input ?? '');
  });
}

async function withBuildLock<T>(body: () => Promise<T>): Promise<T> {
  mkdirSync(join(JAVA_INTEROP_DIR, 'target'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is building; a lock older than 3 minutes was left by a killed build.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 180_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${LOCK}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Builds java/interop unless its jar is newer than its sources. */
export async function buildJavaInterop(): Promise<void> {
  if (upToDate()) return;
  await withBuildLock(async () => {
    if (upToDate()) return;
    // Offline first: instant when ~/.m2 holds every plugin and dependency; otherwise fetch them.
    let build = await run('mvn', ['-q', '-o', '-B', 'package'], { cwd: JAVA_INTEROP_DIR, timeoutMs: 300_000 });
    if (build.code !== 0)
      build = await run('mvn', ['-q', '-B', 'package'], { cwd: JAVA_INTEROP_DIR, timeoutMs: 600_000 });
    if (build.code !== 0) {
      throw new Error(`building java/interop with Maven failed (exit ${build.code}):\n${build.stdout}${build.stderr}`);
    }
  });
}

/** Runs the interop program (see Interop.java for its modes) and returns its stdout. */
export async function runJavaInterop(args: readonly string[], input: string, timeoutMs = 120_000): Promise<string> {
  await buildJavaInterop();
  const result = await run('java', ['-cp', `${JAR}:${LIB}/*`, 'dev.tributary.interop.Interop', ...args], {
    input,
    timeoutMs,
  });
  if (result.code !== 0) {
    throw new Error(`java/interop ${args[0]} failed (exit ${result.code}):\n${result.stderr.slice(-4000)}`);
  }
  return result.stdout;
}
