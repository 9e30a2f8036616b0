/**
 * Interactive-query latency on the embedded broker (not a test): two word-count instances, each with a
 * QueryServer; measures store().get through the composite view, and sequential HTTP key queries answered
 * locally and forwarded to the other instance. Run: `node src/query/query-server.bench.ts`.
 */
import { EmbeddedBroker } from '../kafka/embedded/embedded-broker.ts';
import { waitFor } from '../runtime/test-support/runtime-harness.ts';
import { Serdes } from '../serdes/serdes.ts';
import { QueryableStoreTypes } from './queryable-store-types.ts';
import { StoreQueryParameters } from './store-query-parameters.ts';
import { COUNTS, expectedCounts, produceLines, twoQueryableInstances } from './test-support/queryable-word-count.ts';

const backend = new EmbeddedBroker({ groupMinSessionTimeoutMs: 500 });
const f = await twoQueryableInstances(backend, 2000);
await Promise.all(f.instances.map((i) => i.streams.start()));
await produceLines(backend, f.input);
const [a] = f.instances;
await waitFor(
  'split',
  () =>
    f.instances.every((i) => i.streams.state() === 'RUNNING' && i.streams.streamsMetadataForStore(COUNTS).length === 2),
  30000,
);
await new Promise((r) => setTimeout(r, 1500));
const words = [...expectedCounts().keys()];
const own = words.filter(
  (w) => a.streams.queryMetadataForKey(COUNTS, w, Serdes.String()).activeHost.port === a.server.port(),
);
const other = words.filter((w) => !own.includes(w));
const store = a.streams.store(
  StoreQueryParameters.fromNameAndType(COUNTS, QueryableStoreTypes.keyValueStore<string, number>()),
);
let t = performance.now();
for (let i = 0; i < 200_000; i++) store.get(own[i % own.length]);
console.log('store().get local:', Math.round(200_000 / ((performance.now() - t) / 1000)), '/s');
for (const [label, list] of [
  ['http local', own],
  ['http forwarded', other],
] as const) {
  t = performance.now();
  const n = 2000;
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${a.url}/stores/${COUNTS}/keys/${list[i % list.length]}`);
    await r.text();
    if (r.status !== 200) throw new Error(String(r.status));
  }
  const ms = performance.now() - t;
  console.log(label, (ms / n).toFixed(3), 'ms/query sequential,', Math.round(n / (ms / 1000)), '/s');
}
process.exit(0);
