import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { deleteOffsetCheckpoint, readOffsetCheckpoint, writeOffsetCheckpoint } from './offset-checkpoint.ts';
import { StateDirectory } from './state-directory.ts';

function withDir(fn: (dir: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-statedir-test-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'the checkpoint file has Java OffsetCheckpoint layout and reads back; a missing file reads as empty',
  withDir((dir) => {
    const file = join(dir, '.checkpoint');
    assert.equal(readOffsetCheckpoint(file).size, 0);
    writeOffsetCheckpoint(file, [
      { topic: 'app-counts-changelog', partition: 0, offset: 41 },
      { topic: 'app-other-changelog', partition: 3, offset: 7 },
    ]);
    assert.equal(readFileSync(file, 'utf8'), '0\n2\napp-counts-changelog 0 41\napp-other-changelog 3 7\n');
    assert.deepEqual(
      [...readOffsetCheckpoint(file).values()],
      [
        { topic: 'app-counts-changelog', partition: 0, offset: 41 },
        { topic: 'app-other-changelog', partition: 3, offset: 7 },
      ],
    );
    assert.ok(!existsSync(`${file}.tmp`));
    writeFileSync(file, '0\n3\napp-counts-changelog 0 41\n');
    assert.throws(
      () => readOffsetCheckpoint(file),
      /checkpoint file ".*\.checkpoint" is malformed: expected 3 entries/,
    );
    deleteOffsetCheckpoint(file);
    assert.ok(!existsSync(file));
  }),
);

test(
  'the application directory lock: held by a live process it fails naming the directory and the process',
  withDir((dir) => {
    const appDir = join(dir, 'app');
    mkdirSync(appDir);
    // The test runner's parent process is alive and is not this process.
    writeFileSync(join(appDir, '.lock'), `${process.ppid}\n`);
    const state = new StateDirectory(dir, 'app');
    assert.throws(
      () => state.lock(),
      (error: Error) => error.message.includes(`state directory "${appDir}" is locked by process ${process.ppid}`),
    );
    assert.ok(!state.isLocked());
  }),
);

test(
  'a lock left by a process that died is taken over; unlock removes it; a second instance in this process is refused',
  withDir((dir) => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const appDir = join(dir, 'app');
    mkdirSync(appDir);
    writeFileSync(join(appDir, '.lock'), `${dead}\n`);
    const state = new StateDirectory(dir, 'app');
    state.lock();
    assert.equal(readFileSync(join(appDir, '.lock'), 'utf8'), `${process.pid}\n`);
    assert.throws(
      () => new StateDirectory(dir, 'app').lock(),
      /in use by another KafkaStreams instance in this process/,
    );
    state.unlock();
    assert.ok(!existsSync(join(appDir, '.lock')));
    const again = new StateDirectory(dir, 'app');
    again.lock();
    again.unlock();
  }),
);

test(
  'cleanUp removes the application directory, and refuses while another process holds it',
  withDir((dir) => {
    const state = new StateDirectory(dir, 'app');
    mkdirSync(join(dir, 'app', '0_0', 'store'), { recursive: true });
    writeFileSync(join(dir, 'app', '.lock'), `${process.ppid}\n`);
    assert.throws(() => state.cleanUp(), /is locked by process/);
    assert.ok(existsSync(join(dir, 'app', '0_0')));
    rmSync(join(dir, 'app', '.lock'));
    state.cleanUp();
    assert.ok(!existsSync(join(dir, 'app')));
    assert.ok(existsSync(dir), 'only the application directory goes');
  }),
);

test('claimTask has the thread holding a task close it before another thread opens it', async () => {
  const state = new StateDirectory(tmpdir(), 'unused');
  const threadA = {};
  const threadB = {};
  const events: string[] = [];
  let releaseFiles: () => void = () => {};
  await state.claimTask('0_1', threadA, async () => {
    events.push('A closes 0_1');
    state.releaseTask('0_1', threadA, new Promise<void>((resolve) => (releaseFiles = resolve)));
  });
  const claimed = state.claimTask('0_1', threadB, async () => {}).then(() => events.push('B opens 0_1'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(events, ['A closes 0_1'], 'B waits until A released the files');
  releaseFiles();
  await claimed;
  assert.deepEqual(events, ['A closes 0_1', 'B opens 0_1']);
});
