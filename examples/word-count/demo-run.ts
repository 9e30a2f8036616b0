/**
 * Runs `npm start`'s program (./main.ts) as a child process, the way a user runs it, for the tests.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

// Counted by hand from main.ts's four lines (lower-cased words).
export const EXPECTED_DEMO_COUNTS = { the: 4, streams: 3, kafka: 3, sea: 2, flow: 1, thither: 1 };

export function runMain(env: NodeJS.ProcessEnv): string {
  const run = spawnSync(process.execPath, [MAIN], { env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, `npm start exited with ${run.status} (signal ${run.signal}):\n${run.stderr}`);
  return run.stdout;
}

export function countsIn(stdout: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of stdout.matchAll(/^ {2}(\S+)\s+(\d+)$/gm)) counts.set(match[1], Number(match[2]));
  return counts;
}
