import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildWordCountTopology } from '../../examples/word-count/topology.ts';
import { StreamsDashboard } from '../dashboard/streams-dashboard.ts';
import { Consumed } from '../dsl/consumed.ts';
import { Materialized } from '../dsl/materialized.ts';
import { Produced } from '../dsl/produced.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { PlatformaticBackend } from '../kafka/platformatic/platformatic-backend.ts';
import { defaultEmbeddedBroker } from '../runtime/create-backend.ts';
import { KafkaStreams } from '../runtime/kafka-streams.ts';
import { produceStrings, uniqueName, waitFor } from '../runtime/test-support/runtime-harness.ts';
import { Serdes } from '../serdes/serdes.ts';

const BIN = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));
const SRC = fileURLToPath(new URL('../', import.meta.url));

function tributary(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function countByValue(input: string, output: string) {
  const builder = new StreamsBuilder();
  builder
    .stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .groupBy((_key, value) => value)
    .count(Materialized.as('by-value'))
    .toStream()
    .to(output, Produced.with(Serdes.String(), Serdes.Long()));
  return builder.build();
}

describe('tributary describe', () => {
  test('prints describe() of the topology a module builds, as Kafka Streams prints it', async () => {
    const result = await tributary(['describe', 'examples/word-count/topology.ts']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${buildWordCountTopology().describe().toString().trimEnd()}\n`);
  });

  test('takes a StreamsBuilder export, or the export named by --export, and names what is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-describe-'));
    try {
      const file = join(dir, 'app.ts');
      writeFileSync(
        file,
        `import { StreamsBuilder } from '${join(SRC, 'index.ts')}';\n` +
          `export const builder = new StreamsBuilder();\nbuilder.stream('a').to('b');\n` +
          `export const other = new StreamsBuilder();\nother.stream('c').filter(() => true).to('d');\n` +
          `export const answer = 42;\n`,
      );
      const first = await tributary(['describe', file]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /Source: KSTREAM-SOURCE-0000000000 \(topics: \[a\]\)/);
      const picked = await tributary(['describe', file, '--export', 'other']);
      assert.match(picked.stdout, /topics: \[c\]/);
      assert.match(picked.stdout, /KSTREAM-FILTER-0000000001/);
      const wrong = await tributary(['describe', file, '--export', 'answer']);
      assert.equal(wrong.code, 2);
      assert.match(wrong.stderr, /export 'answer' of .*app\.ts gives no Topology or StreamsBuilder/);
      const missing = await tributary(['describe', file, '--export', 'nope']);
      assert.match(missing.stderr, /--export 'nope': .* exports answer, builder, other/);
      const noModule = await tributary(['describe', join(dir, 'gone.ts')]);
      assert.equal(noModule.code, 2);
      assert.match(noModule.stderr, /<module> '.*gone\.ts' does not exist/);
      const flag = await tributary(['describe', file, '--exprt', 'x']);
      assert.match(flag.stderr, /unknown option --exprt for 'tributary describe'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tributary metrics', () => {
  test("prints a running app's state, threads and tasks from its dashboard", async () => {
    const broker = defaultEmbeddedBroker();
    const [input, output, app] = [uniqueName('cm-in'), uniqueName('cm-out'), uniqueName('cm-app')];
    await broker.admin.createTopics([
      { name: input, partitions: 2 },
      { name: output, partitions: 1 },
    ]);
    const streams = new KafkaStreams(
      countByValue(input, output),
      { 'application.id': app, 'commit.interval.ms': 50 },
      { backend: broker },
    );
    const dashboard = new StreamsDashboard(streams);
    await dashboard.start();
    const url = dashboard.url!;
    await streams.start();
    try {
      await produceStrings(
        broker,
        input,
        2,
        Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: `v${i % 2}` })),
      );
      await waitFor('records processed', () => streams.processedRecords() >= 24);
      const result = await tributary(['metrics', url]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^application ${app}  state RUNNING  threads 1$`, 'm'));
      assert.match(result.stdout, /^thread\s+state\s+process\/s\s+processed/m);
      assert.match(result.stdout, /StreamThread-1\s+RUNNING\s+[\d.]+\s+24\s/);
      for (const task of ['0_0', '0_1', '1_0', '1_1'])
        assert.match(result.stdout, new RegExp(`^${task}\\s+running\\s`, 'm'));
    } finally {
      await dashboard.close();
      await streams.close();
    }
    const down = await tributary(['metrics', url.replace(/:\d+\//, ':1/')]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot read http:\/\/127\.0\.0\.1:1\/dashboard\.json/);
    const bad = await tributary(['metrics', 'not a url']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /<url> 'not a url' is not a URL/);
  });
});

describe('tributary reset', () => {
  test('names missing and bad arguments', async () => {
    const noApp = await tributary(['reset', '--bootstrap-server', '127.0.0.1:9092']);
    assert.equal(noApp.code, 2);
    assert.match(noApp.stderr, /needs --application-id ID/);
    const badServer = await tributary(['reset', '--application-id', 'a', '--bootstrap-server', 'localhost']);
    assert.match(badServer.stderr, /--bootstrap-server must be HOST:PORT\[,HOST:PORT\], got 'localhost'/);
    const emptyTopic = await tributary([
      'reset',
      '--application-id',
      'a',
      '--bootstrap-server',
      'h:1',
      '--input-topics',
      'a,,b',
    ]);
    assert.match(emptyTopic.stderr, /--input-topics has an empty topic name/);
  });

  test('on real Kafka: refuses while the app runs, dry-runs, then rewinds input offsets and deletes internal topics', async (t) => {
    const bootstrap = process.env.TRIBUTARY_TEST_KAFKA;
    if (!bootstrap) {
      t.skip('no TRIBUTARY_TEST_KAFKA');
      return;
    }
    const backend = new PlatformaticBackend({ bootstrapServers: [bootstrap] });
    const [input, output, app] = [uniqueName('reset-in'), uniqueName('reset-out'), uniqueName('reset-app')];
    const streams = new KafkaStreams(countByValue(input, output), {
      'application.id': app,
      'bootstrap.servers': bootstrap,
      'commit.interval.ms': 100,
    });
    try {
      await backend.admin.createTopics([
        { name: input, partitions: 2 },
        { name: output, partitions: 1 },
      ]);
      await produceStrings(
        backend,
        input,
        2,
        Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i % 3}` })),
      );
      await streams.start();
      const inputPartitions = [0, 1].map((partition) => ({ topic: input, partition }));
      const committedSum = async () =>
        (await backend.admin.fetchCommittedOffsets(app, inputPartitions)).reduce((s, o) => s + o.offset, 0);
      const deadline = Date.now() + 30_000;
      while ((await committedSum()) < 10) {
        assert.ok(Date.now() < deadline, 'the app did not commit its input within 30 s');
        await new Promise((r) => setTimeout(r, 200));
      }
      const internal = (await backend.admin.listTopics()).filter((name) => name.startsWith(`${app}-`)).sort();
      assert.deepEqual(internal, [`${app}-by-value-changelog`, `${app}-by-value-repartition`]);
      const args = ['reset', '--application-id', app, '--bootstrap-server', bootstrap, '--input-topics', input];

      const refused = await tributary(args);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, new RegExp(`consumer group '${app}' has 1 member\\(s\\)`));
      await streams.close();

      const dry = await tributary([...args, '--dry-run']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, new RegExp(`Topic: ${input} Partition: 0 Offset: 0`));
      assert.match(dry.stdout, new RegExp(`Topic: ${app}-by-value-changelog`));
      assert.equal(await committedSum(), 10);
      assert.deepEqual(
        (await backend.admin.listTopics()).filter((name) => name.startsWith(`${app}-`)).sort(),
        internal,
      );

      const reset = await tributary(args);
      assert.equal(reset.code, 0, reset.stderr);
      assert.equal(await committedSum(), 0);
      const gone = Date.now() + 15_000;
      while ((await backend.admin.listTopics()).some((name) => name.startsWith(`${app}-`))) {
        assert.ok(Date.now() < gone, 'internal topics still listed 15 s after the reset');
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok((await backend.admin.listTopics()).includes(input), 'the input topic is kept');

      const missing = await tributary([
        'reset',
        '--application-id',
        app,
        '--bootstrap-server',
        bootstrap,
        '--input-topics',
        'no-such-topic-x',
      ]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--input-topics: topic 'no-such-topic-x' does not exist/);
    } finally {
      await streams.close();
      await backend.close();
    }
  });
});
