import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));

function tributary(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function portAnswers(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('tributary CLI', () => {
  test('names an unknown flag, a bad value and an unknown command, with exit code 2', async () => {
    const flag = await tributary(['kafka', 'start', '--nodez', '3']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option --nodez for 'tributary kafka start'/);
    const nodes = await tributary(['kafka', 'start', '--nodes', '2']);
    assert.equal(nodes.code, 2);
    assert.match(nodes.stderr, /--nodes must be 1 or 3, got '2'/);
    const port = await tributary(['kafka', 'start', '--port', 'http']);
    assert.match(port.stderr, /--port must be 'auto' or a port number, got 'http'/);
    const command = await tributary(['kafak']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /unknown command 'kafak'/);
    const stop = await tributary(['kafka', 'stop']);
    assert.match(stop.stderr, /'tributary kafka stop' needs --dir DIR/);
  });

  test('says that Java is missing when it cannot run Java', async () => {
    const result = await tributary(['kafka', 'start'], { ...process.env, KAFKA_JAVA: '/nonexistent/java' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /KAFKA_JAVA=\/nonexistent\/java is not an executable Java binary/);
    assert.match(result.stderr, /tributary: Kafka \(1 node\) did not start/);
  });

  test('starts a detached broker that outlives the command, and stops it by directory', {
    skip: process.env.TRIBUTARY_TEST_KAFKA ? false : 'no TRIBUTARY_TEST_KAFKA',
  }, async () => {
    const started = await tributary(['kafka', 'start', '--detach', '--heap=-Xmx256m -Xms256m']);
    assert.equal(started.code, 0, started.stderr);
    const env = Object.fromEntries(
      started.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('=', 2) as [string, string]),
    );
    try {
      assert.match(env.KAFKA_BOOTSTRAP, /^127\.0\.0\.1:\d+$/);
      assert.equal(env.KAFKA_VERSION, '4.3.1');
      assert.ok(await portAnswers(env.KAFKA_BOOTSTRAP), 'the broker answers after the command returned');
    } finally {
      const stopped = await tributary(['kafka', 'stop', '--dir', env.KAFKA_BASE_DIR, '--kill']);
      assert.equal(stopped.code, 0, stopped.stderr);
    }
    assert.equal(existsSync(env.KAFKA_BASE_DIR), false);
    assert.equal(await portAnswers(env.KAFKA_BOOTSTRAP), false);
    const again = await tributary(['kafka', 'stop', '--dir', env.KAFKA_BASE_DIR]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no directory .* \(already stopped and removed\?\)/);
  });
});
