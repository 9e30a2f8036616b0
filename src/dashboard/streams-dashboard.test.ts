import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { Consumed } from '../dsl/consumed.ts';
import { Materialized } from '../dsl/materialized.ts';
import { Produced } from '../dsl/produced.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { defaultEmbeddedBroker } from '../runtime/create-backend.ts';
import { KafkaStreams } from '../runtime/kafka-streams.ts';
import { produceStrings, uniqueName, waitFor } from '../runtime/test-support/runtime-harness.ts';
import { Serdes } from '../serdes/serdes.ts';
import { DASHBOARD_PAGE } from './dashboard-page.ts';
import type { DashboardSnapshot } from './dashboard-snapshot.ts';
import { StreamsDashboard } from './streams-dashboard.ts';

function repartitioningCount(input: string, output: string) {
  const builder = new StreamsBuilder();
  builder
    .stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .groupBy((_key, value) => value)
    .count(Materialized.as('per-value'))
    .toStream()
    .to(output, Produced.with(Serdes.String(), Serdes.Long()));
  return builder.build();
}

/** Runs the page's script against a tiny stand-in DOM, feeding it `snapshot`; returns the elements it filled. */
async function renderPage(snapshot: unknown): Promise<Map<string, { innerHTML: string; textContent: string }>> {
  const script = DASHBOARD_PAGE.split('<script>')[1].split('</script>')[0];
  const elements = new Map<string, { innerHTML: string; textContent: string; className: string }>();
  let rendered!: () => void;
  const done = new Promise<void>((resolve) => (rendered = resolve));
  const document = {
    getElementById: (id: string) => {
      if (!elements.has(id)) elements.set(id, { innerHTML: '', textContent: '', className: '' });
      return elements.get(id);
    },
    querySelectorAll: () => [],
  };
  runInNewContext(script, {
    document,
    fetch: async () => ({ ok: true, json: async () => snapshot }),
    setTimeout: () => rendered(),
    Date,
    JSON,
  });
  await done;
  return elements;
}

describe('StreamsDashboard', () => {
  it('serves the page, a JSON snapshot whose topology is describe(), and Prometheus metrics of a running app', async () => {
    const broker = defaultEmbeddedBroker();
    const [input, output, app] = [uniqueName('d-in'), uniqueName('d-out'), uniqueName('d-app')];
    await broker.admin.createTopics([
      { name: input, partitions: 2 },
      { name: output, partitions: 1 },
    ]);
    const topology = repartitioningCount(input, output);
    const streams = new KafkaStreams(
      topology,
      { 'application.id': app, 'commit.interval.ms': 50 },
      { backend: broker },
    );
    const dashboard = new StreamsDashboard(streams);
    const port = await dashboard.start();
    assert.equal(dashboard.url, `http://127.0.0.1:${port}/`);
    await streams.start();
    try {
      await produceStrings(
        broker,
        input,
        2,
        Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i % 3}` })),
      );
      await waitFor('20 input records processed', () => streams.processedRecords() >= 40); // 20 in, 20 via repartition

      const page = await fetch(dashboard.url!);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type')!, /text\/html/);
      const html = await page.text();
      assert.match(html, /<script>/);
      assert.doesNotMatch(html, /<script src=|<link [^>]*href="http/); // self-contained

      const snapshot = (await (await fetch(`${dashboard.url}dashboard.json`)).json()) as DashboardSnapshot;
      assert.equal(snapshot.state, 'RUNNING');
      assert.deepEqual(snapshot.topology, JSON.parse(JSON.stringify(topology.describe())));
      assert.equal(snapshot.topologyText, topology.describe().toString());
      assert.deepEqual(snapshot.internalTopics.map((t) => t.kind).sort(), ['changelog', 'repartition']);
      assert.ok(snapshot.internalTopics.every((t) => t.name.startsWith(`${app}-`)));
      const tasks = snapshot.threads.flatMap((t) => t.activeTasks.map((a) => a.taskId)).sort();
      assert.deepEqual(tasks, ['0_0', '0_1', '1_0', '1_1']);
      assert.ok(snapshot.metrics.some((m) => m.name === 'process-total' && m.group === 'stream-task-metrics'));

      const topologyJson = await (await fetch(`${dashboard.url}topology.json`)).json();
      assert.deepEqual(topologyJson, snapshot.topology);

      const metrics = await fetch(`${dashboard.url}metrics`);
      assert.match(metrics.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
      const text = await metrics.text();
      // Every line is a comment or `name{labels} value` (the exposition format's grammar, simplified).
      for (const line of text.trimEnd().split('\n')) {
        assert.match(
          line,
          /^(# (HELP|TYPE) \w+ .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_]\w*="([^"\\]|\\.)*",?)*\})? -?[0-9.e+-]+|NaN)$/,
          line,
        );
      }
      assert.equal((await fetch(`${dashboard.url}nope`)).status, 404);

      // The page's script renders this snapshot: the nodes of describe(), every task, the thread.
      const elements = await renderPage(snapshot);
      assert.equal(elements.get('error')!.textContent, '');
      assert.equal(elements.get('state')!.textContent, 'RUNNING');
      const drawn = elements.get('topology')!.innerHTML;
      for (const subtopology of topology.describe().subtopologies)
        for (const node of subtopology.nodes) assert.ok(drawn.includes(node.name.slice(0, 31)), node.name);
      for (const task of tasks) assert.match(elements.get('tasks')!.innerHTML, new RegExp(`<td>${task}</td>`));
    } finally {
      await dashboard.close();
      await streams.close();
    }
  });

  it('answers under a path prefix inside another node:http server and leaves other paths to it', async () => {
    const streams = new KafkaStreams(
      repartitioningCount('a', 'b'),
      { 'application.id': 'mounted' },
      { backend: defaultEmbeddedBroker() },
    );
    const dashboard = new StreamsDashboard(streams, { pathPrefix: '/dash' });
    const server = createServer((req, res) => {
      if (!dashboard.handle(req, res)) res.writeHead(200).end('other');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      assert.equal(await (await fetch(`${base}/elsewhere`)).text(), 'other');
      assert.match(await (await fetch(`${base}/dash/`)).text(), /Tributary dashboard/);
      const redirect = await fetch(`${base}/dash`, { redirect: 'manual' });
      assert.equal(redirect.status, 308);
      assert.equal(redirect.headers.get('location'), '/dash/');
      const snapshot = (await (await fetch(`${base}/dash/dashboard.json`)).json()) as DashboardSnapshot;
      assert.equal(snapshot.state, 'CREATED');
      assert.equal((await fetch(`${base}/dash/metrics`, { method: 'POST' })).status, 405);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('rejects a bad port, naming it', () => {
    const streams = new KafkaStreams(
      repartitioningCount('a', 'b'),
      { 'application.id': 'x' },
      { backend: defaultEmbeddedBroker() },
    );
    assert.throws(
      () => new StreamsDashboard(streams, { port: 70000 }),
      /port must be an integer from 0 to 65535, got 70000/,
    );
  });
});
