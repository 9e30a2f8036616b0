/**
 * Runs the compiler over the DSL's compile-time type tests (dsl.type-test.ts), so `npm test` fails when types
 * stop flowing or a wrong type stops being rejected — not only `npm run typecheck`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the DSL type tests compile: types flow without annotations and wrong types are rejected', {
  timeout: 120_000,
}, () => {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(
    process.execPath,
    [
      tsc,
      '--noEmit',
      '--strict',
      '--target',
      'es2024',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--allowImportingTsExtensions',
      '--verbatimModuleSyntax',
      '--erasableSyntaxOnly',
      '--skipLibCheck',
      '--types',
      'node',
      join(ROOT, 'src', 'dsl', 'dsl.type-test.ts'),
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 110_000 },
  );
  assert.equal(result.status, 0, `tsc reported:\n${result.stdout}${result.stderr}`);
});
