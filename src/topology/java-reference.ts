/**
 * Test support: compiles the Java reference programs in java/describe/src (Kafka Streams 4.3.1 from
 * harness/lib, plus kafka-streams-test-utils fetched by Maven into java/describe/target/lib) and runs them.
 * Compilation is cached in java/describe/target/classes-<hash of the sources>. Returns undefined when Java is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const JAVA_DIR = join(ROOT, 'java', 'describe');

export function compiledJavaReference(): string | undefined {
  if (spawnSync('java', ['-version']).status !== 0 || spawnSync('javac', ['-version']).status !== 0) return undefined;
  const lib = join(ROOT, 'harness', 'lib');
  if (!existsSync(join(lib, 'kafka-streams-4.3.1.jar'))) {
    execFileSync('bash', [join(ROOT, 'harness', 'fetch-kafka.sh')], { stdio: 'ignore', timeout: 300_000 });
  }
  const testLib = join(JAVA_DIR, 'target', 'lib');
  if (!existsSync(join(testLib, 'kafka-streams-test-utils-4.3.1.jar'))) {
    execFileSync(
      'mvn',
      [
        '-q',
        `-Dmaven.repo.local=${join(ROOT, 'harness', '.m2')}`,
        'dependency:copy-dependencies',
        '-DincludeArtifactIds=kafka-streams-test-utils',
        `-DoutputDirectory=${testLib}`,
      ],
      { cwd: JAVA_DIR, stdio: 'ignore', timeout: 300_000 },
    );
  }
  const sourceDir = join(JAVA_DIR, 'src');
  const sources = readdirSync(sourceDir)
    .filter((f) => f.endsWith('.java'))
    .sort()
    .map((f) => join(sourceDir, f));
  const hash = createHash('sha256');
  for (const source of sources) hash.update(readFileSync(source));
  const digest = hash.digest('hex');
  // One directory per source digest, filled under a temporary name and renamed into place: test files run
  // in parallel (npm test), and one must never load classes another is still writing.
  const classes = join(JAVA_DIR, 'target', `classes-${digest.slice(0, 16)}`);
  const classpathOf = (dir: string) => `${dir}:${lib}/*:${testLib}/*`;
  if (existsSync(classes)) return classpathOf(classes);
  const building = `${classes}.tmp-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  execFileSync('javac', ['-d', building, '-cp', classpathOf(building), ...sources], {
    stdio: 'pipe',
    timeout: 120_000,
  });
  try {
    renameSync(building, classes);
  } catch (error) {
    // Another test file renamed its identical build into place first.
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(classes)) throw error;
  }
  return classpathOf(classes);
}

/** Runs a reference program; returns its output split into sections by "=== <name>" lines. */
export function runJavaReference(classpath: string, mainClass: string, names: readonly string[]): Map<string, string> {
  const output = execFileSync('java', ['-cp', classpath, mainClass, ...names], {
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const sections = new Map<string, string>();
  for (const section of output.split(/^=== /m).slice(1)) {
    const newline = section.indexOf('\n');
    sections.set(section.slice(0, newline), section.slice(newline + 1));
  }
  return sections;
}
