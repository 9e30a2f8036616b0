import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KafkaHarnessError, startKafkaCluster } from './kafka-cluster.ts';

// The harness needs Java and the jars; npm test provides both (and sets TRIBUTARY_TEST_KAFKA).
const skip = process.env.TRIBUTARY_TEST_KAFKA ? false : 'no TRIBUTARY_TEST_KAFKA';

function portAnswers(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.setTimeout(2000);
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A killed child that nobody reaped yet is a zombie: dead for our purposes.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('startKafkaCluster', { skip }, () => {
  test('starts one broker that accepts connections, kills and restarts it, and stop() removes its directory', async () => {
    const kafka = await startKafkaCluster({ nodes: 1, heapOpts: '-Xmx256m -Xms256m' });
    try {
      assert.match(kafka.bootstrap, /^127\.0\.0\.1:\d+$/);
      assert.equal(kafka.version, '4.3.1');
      assert.equal(kafka.pids.length, 1);
      assert.ok(await portAnswers(kafka.bootstrap));
      assert.ok(existsSync(`${kafka.baseDir}/node1/logs/server.log`));

      await assert.rejects(kafka.killNode(2), /no Kafka node 2: this cluster has nodes 1\.\.1/);
      const oldPid = kafka.pids[0];
      await kafka.killNode(1);
      assert.equal(alive(oldPid), false);
      assert.equal(await portAnswers(kafka.bootstrap), false);

      await kafka.restartNode(1);
      assert.notEqual(kafka.pids[0], oldPid);
      assert.ok(await portAnswers(kafka.bootstrap));
    } finally {
      await kafka.stop();
    }
    assert.equal(existsSync(kafka.baseDir), false);
    assert.equal(alive(kafka.pids[0]), false);
  });

  test('rejects a node count other than 1 or 3 and a bad port, naming them', async () => {
    await assert.rejects(startKafkaCluster({ nodes: 2 as 1 }), /nodes must be 1 or 3, got 2/);
    await assert.rejects(startKafkaCluster({ port: 70000 }), /port must be 'auto' or a TCP port number, got 70000/);
  });

  test('fails with an error naming a port that is already in use', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const error = await startKafkaCluster({ port }).then(
        () => assert.fail('started on a busy port'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof KafkaHarnessError);
      assert.match(error.message, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    } finally {
      server.close();
    }
  });

  test('says so when Java cannot be run', async () => {
    const saved = process.env.KAFKA_JAVA;
    process.env.KAFKA_JAVA = '/nonexistent/bin/java';
    try {
      await assert.rejects(
        startKafkaCluster({}),
        /KAFKA_JAVA=\/nonexistent\/bin\/java is not an executable Java binary/,
      );
    } finally {
      if (saved === undefined) delete process.env.KAFKA_JAVA;
      else process.env.KAFKA_JAVA = saved;
    }
  });

  /** Starts a cluster in a child process; resolves with the child and the cluster's broker pid and dir. */
  async function clusterInChild() {
    const moduleUrl = new URL('./kafka-cluster.ts', import.meta.url).href;
    const program = `
      import { startKafkaCluster } from ${JSON.stringify(moduleUrl)};
      const kafka = await startKafkaCluster({ heapOpts: '-Xmx256m -Xms256m', fetchJars: false });
      console.log(JSON.stringify({ pid: kafka.pids[0], dir: kafka.baseDir }));
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', program], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: fileURLToPath(new URL('.', import.meta.url)),
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    await waitFor('the child to start Kafka', () => out.includes('\n') || child.exitCode !== null, 90_000);
    const { pid, dir } = JSON.parse(out) as { pid: number; dir: string };
    assert.ok(alive(pid));
    return { child, pid, dir };
  }

  test('tears the brokers down when the owning process is SIGKILLed', async () => {
    const { child, pid, dir } = await clusterInChild();
    child.kill('SIGKILL');
    await waitFor('the watchdog to stop the orphaned broker', () => !alive(pid) && !existsSync(dir), 20_000);
  });

  test('tears the brokers down before the owning process dies of SIGTERM', async () => {
    const { child, pid, dir } = await clusterInChild();
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    child.kill('SIGTERM');
    // The signal's default action is kept (the process dies of SIGTERM), after the synchronous clean-up.
    assert.equal(await exited, 'SIGTERM');
    assert.equal(alive(pid), false, 'the broker is gone when its owner has exited');
    assert.equal(existsSync(dir), false);
  });
});
