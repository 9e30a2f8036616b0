/**
 * Interactive queries on a broker (the embedded one, and real Kafka when TRIBUTARY_TEST_KAFKA is set): two
 * KafkaStreams instances run a word count over 4 partitions, each with its own QueryServer. Each instance's
 * local stores hold its share; the assignment tells every instance who owns which key; and every word's count,
 * windows and sessions can be fetched from EITHER server (a key owned by the other instance is forwarded).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../runtime/test-support/runtime-harness.ts';
import { testBackends } from '../runtime/test-support/test-backends.ts';
import { Serdes } from '../serdes/serdes.ts';
import type { KeyValue } from '../state/key-value-store.ts';
import { InvalidStateStoreException, UnknownStateStoreException } from './invalid-state-store-exception.ts';
import { FORWARDED_HEADER, SERVED_BY_HEADER } from './query-server.ts';
import { QueryableStoreTypes } from './queryable-store-types.ts';
import { StoreQueryParameters } from './store-query-parameters.ts';
import {
  BASE_TIME,
  COUNTS,
  expectedCounts,
  expectedWindowedCounts,
  getJson,
  PARTITIONS,
  produceLines,
  type QueryableInstance,
  SESSIONS,
  twoQueryableInstances,
  WINDOW_MS,
  WINDOWED,
} from './test-support/queryable-word-count.ts';

const countsOf = QueryableStoreTypes.keyValueStore<string, number>();

for (const target of testBackends) {
  describe(`interactive queries on ${target.label}`, () => {
    const backend = target.open();
    let instances: QueryableInstance[] = [];
    const expected = expectedCounts();

    before(async () => {
      if (backend === undefined) return;
      const fixture = await twoQueryableInstances(backend, target.sessionTimeoutMs);
      instances = fixture.instances;
      const [a] = instances;
      // Before start: the HTTP answer is 503 (retry), the API throws StreamsNotStartedException.
      const early = await getJson(`${a.url}/stores/${COUNTS}/keys/kafka`);
      assert.equal(early.status, 503);
      assert.match(early.body.error, /not been started/);
      assert.throws(() => a.streams.store(StoreQueryParameters.fromNameAndType(COUNTS, countsOf)), {
        name: 'StreamsNotStartedException',
      });
      await Promise.all(instances.map((i) => i.streams.start()));
      await produceLines(backend, fixture.input);
      // Both RUNNING with 4 tasks each (one per partition of each of the 3 stores' sub-topologies and the source).
      await waitFor(
        'both instances running, each owning part of every store, all words counted',
        () => {
          if (!instances.every((i) => i.streams.state() === 'RUNNING')) return false;
          if (instances.some((i) => i.streams.streamsMetadataForStore(COUNTS).length !== 2)) return false;
          try {
            let total = 0;
            for (const i of instances) {
              for (const { value } of i.streams.store(StoreQueryParameters.fromNameAndType(COUNTS, countsOf)).all())
                total += value;
            }
            return total === [...expected.values()].reduce((a, b) => a + b, 0);
          } catch {
            return false;
          }
        },
        60_000,
      );
    });

    after(async () => {
      await Promise.allSettled(instances.map((i) => i.server.close()));
      await Promise.allSettled(instances.map((i) => i.streams.close({ timeoutMs: 10_000 })));
      await backend?.close();
    });

    it('each instance reads its own partitions; together they hold every count exactly once', (t) => {
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const seen = new Map<string, number>();
      for (const { streams } of instances) {
        const local = streams.store(StoreQueryParameters.fromNameAndType(COUNTS, countsOf));
        const all = local.all();
        assert.ok(all.length > 0 && all.length < expected.size, 'each instance holds a share, not all');
        for (const { key, value } of all) {
          assert.equal(seen.has(key), false, `"${key}" is on both instances`);
          seen.set(key, value);
          assert.equal(local.get(key), value);
        }
        // Merged across the local partitions in the byte order of the keys.
        const keys = all.map((e) => e.key);
        assert.deepEqual(
          keys,
          [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))),
        );
        assert.deepEqual(
          local.reverseAll().map((e) => e.key),
          [...keys].reverse(),
        );
        const inRange = local.range('c', 'k').map((e) => e.key);
        assert.deepEqual(
          inRange,
          keys.filter((k) => k >= 'c' && k <= 'k'),
        );
      }
      assert.deepEqual(new Map([...seen].sort()), new Map([...expected].sort()));
    });

    it('queryMetadataForKey names the instance whose local store has the key, with the murmur2 partition', (t) => {
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [a, b] = instances;
      for (const word of expected.keys()) {
        const metadata = a.streams.queryMetadataForKey(COUNTS, word, Serdes.String());
        assert.deepEqual(metadata, b.streams.queryMetadataForKey(COUNTS, word, Serdes.String().serializer));
        assert.ok(metadata.partition >= 0 && metadata.partition < PARTITIONS);
        assert.deepEqual(metadata.standbyHosts, []);
        const owner = instances.find((i) => i.endpoint === `${metadata.activeHost.host}:${metadata.activeHost.port}`);
        assert.ok(owner !== undefined, `owner of "${word}" is one of the instances`);
        const onlyThatPartition = owner.streams.store(
          StoreQueryParameters.fromNameAndType(COUNTS, countsOf).withPartition(metadata.partition),
        );
        assert.equal(onlyThatPartition.get(word), expected.get(word), `"${word}" in partition ${metadata.partition}`);
        const other = instances.find((i) => i !== owner)!;
        assert.equal(other.streams.store(StoreQueryParameters.fromNameAndType(COUNTS, countsOf)).get(word), undefined);
      }
      const hosts = a.streams.metadataForAllStreamsClients();
      assert.deepEqual(hosts.map((h) => h.hostInfo).sort(), instances.map((i) => i.endpoint).sort());
      for (const host of hosts) assert.deepEqual(host.stateStoreNames, [SESSIONS, WINDOWED, COUNTS].sort());
    });

    it('store() names what is wrong: unknown store (listing the known ones), wrong type, absent partition', (t) => {
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const { streams } = instances[0];
      assert.throws(
        () => streams.store(StoreQueryParameters.fromNameAndType('nope', countsOf)),
        (error: Error) =>
          error instanceof UnknownStateStoreException &&
          error.message.includes('"nope"') &&
          error.message.includes(`"${COUNTS}"`) &&
          error.message.includes(`"${WINDOWED}"`),
      );
      assert.throws(
        () => streams.store(StoreQueryParameters.fromNameAndType(WINDOWED, countsOf)),
        (error: Error) =>
          error instanceof InvalidStateStoreException &&
          /"windowed-word-counts" is a timestampedWindowStore.*QueryableStoreTypes\.timestampedWindowStore\(\)/.test(
            error.message,
          ),
      );
      const mine = streams.metadataForLocalThreads()[0].activeTasks.map((task) => task.topicPartitions[0].partition);
      const notMine = [0, 1, 2, 3].find((p) => !mine.includes(p))!;
      const elsewhere = streams.store(StoreQueryParameters.fromNameAndType(COUNTS, countsOf).withPartition(notMine));
      assert.throws(() => elsewhere.get('kafka'), /not on this instance.*retry/);
      const beyond = streams.store(StoreQueryParameters.fromNameAndType(COUNTS, countsOf).withPartition(9));
      assert.throws(() => beyond.get('kafka'), { name: 'InvalidStateStorePartitionException' });
    });

    it('timestamped, window and session views read the right values', (t) => {
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const windowed = expectedWindowedCounts();
      let sessionTotal = 0;
      for (const { streams } of instances) {
        const stamped = streams.store(
          StoreQueryParameters.fromNameAndType(COUNTS, QueryableStoreTypes.timestampedKeyValueStore<string, number>()),
        );
        for (const { key, value } of stamped.all()) {
          assert.equal(value.value, expected.get(key));
          assert.ok(value.timestamp >= BASE_TIME && value.timestamp < BASE_TIME + 2 * WINDOW_MS);
        }
        const windows = streams.store(
          StoreQueryParameters.fromNameAndType(WINDOWED, QueryableStoreTypes.windowStore<string, number>()),
        );
        for (const entry of windows.all()) {
          assert.equal(entry.value, windowed.get(entry.key.key)?.get(entry.key.window.start), `${entry.key.key}`);
          assert.deepEqual(windows.fetch(entry.key.key, entry.key.window.start), entry.value);
        }
        const stampedWindows = streams.store(
          StoreQueryParameters.fromNameAndType(WINDOWED, QueryableStoreTypes.timestampedWindowStore<string, number>()),
        );
        const plainAll = windows.all();
        const stampedAll = stampedWindows.all();
        assert.deepEqual(
          stampedAll.map((e) => [e.key, e.value.value]),
          plainAll.map((e) => [e.key, e.value]),
        );
        for (const { key, value } of stampedAll) {
          // The latest record of the window updated it: its timestamp lies in the window.
          assert.ok(value.timestamp >= key.window.start && value.timestamp < key.window.end, `${key.key}`);
          assert.deepEqual(stampedWindows.fetch(key.key, key.window.start), value);
        }
        const sessions = streams.store(
          StoreQueryParameters.fromNameAndType(SESSIONS, QueryableStoreTypes.sessionStore<string, number>()),
        );
        const local = streams.store(StoreQueryParameters.fromNameAndType(COUNTS, countsOf)).all();
        for (const { key, value } of local) {
          const found: KeyValue<unknown, number>[] = sessions.fetch(key);
          assert.equal(
            found.reduce((n, s) => n + s.value, 0),
            value,
            `sessions of "${key}" add up to its count`,
          );
          sessionTotal += value;
        }
      }
      assert.equal(
        sessionTotal,
        [...expected.values()].reduce((a, b) => a + b, 0),
      );
    });

    it('HTTP: every word is answered by BOTH servers with its count (the other instance forwards)', async (t) => {
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const servedBy = new Set<string>();
      for (const word of expected.keys()) {
        const owner = instances[0].streams.queryMetadataForKey(COUNTS, word, Serdes.String()).activeHost;
        for (const instance of instances) {
          const { status, body, headers } = await getJson(
            `${instance.url}/stores/${COUNTS}/keys/${encodeURIComponent(word)}`,
          );
          assert.equal(status, 200, `${word} via ${instance.endpoint}: ${JSON.stringify(body)}`);
          assert.equal(body.value, expected.get(word), `${word} via ${instance.endpoint}`);
          assert.equal(body.key, word);
          assert.equal(headers.get(SERVED_BY_HEADER), `${owner.host}:${owner.port}`);
          servedBy.add(`${instance.endpoint}->${headers.get(SERVED_BY_HEADER)}`);
        }
      }
      assert.equal(servedBy.size, 4, 'each server answered words of its own and forwarded words of the other');
      const missing = await getJson(`${instances[1].url}/stores/${COUNTS}/keys/no-such-word`);
      assert.equal(missing.status, 404);
      assert.match(missing.body.error, /"no-such-word" not found in store "word-counts"/);
    });

    it('HTTP: window and session queries by key, /windows and /all gather both instances in order', async (t) => {
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const windowed = expectedWindowedCounts();
      for (const instance of instances) {
        for (const word of ['the', 'kafka', 'fox']) {
          const { status, body } = await getJson(
            `${instance.url}/stores/${WINDOWED}/keys/${word}?from=${BASE_TIME}&to=${new Date(BASE_TIME + WINDOW_MS).toISOString()}`,
          );
          assert.equal(status, 200, JSON.stringify(body));
          assert.deepEqual(
            body.windows,
            [...windowed.get(word)!].sort((x, y) => x[0] - y[0]).map(([start, value]) => ({ start, value })),
          );
          const sessions = await getJson(`${instance.url}/stores/${SESSIONS}/keys/${word}`);
          assert.equal(sessions.status, 200);
          assert.equal(
            sessions.body.sessions.reduce((n: number, s: { value: number }) => n + s.value, 0),
            expected.get(word),
          );
        }
        const firstWindow = await getJson(
          `${instance.url}/stores/${WINDOWED}/windows?from=${BASE_TIME}&to=${BASE_TIME}`,
        );
        const inFirst = [...windowed].filter(([, w]) => w.has(BASE_TIME)).map(([word]) => word);
        assert.deepEqual(
          firstWindow.body.entries.map((e: { key: string }) => e.key),
          inFirst.sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))),
        );
        const all = await getJson(`${instance.url}/stores/${COUNTS}/all`);
        assert.equal(all.body.truncated, false);
        const sorted = [...expected.keys()].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
        assert.deepEqual(
          all.body.entries.map((e: { key: string }) => e.key),
          sorted,
        );
        assert.deepEqual(
          all.body.entries.map((e: { value: number }) => e.value),
          sorted.map((w) => expected.get(w)),
        );
        const limited = await getJson(`${instance.url}/stores/${COUNTS}/range?from=a&to=m&limit=3`);
        assert.deepEqual(
          limited.body.entries.map((e: { key: string }) => e.key),
          sorted.filter((w) => w >= 'a' && w <= 'm').slice(0, 3),
        );
        assert.equal(limited.body.truncated, true);
      }
    });

    it('HTTP: malformed queries get 400 naming the problem; a forwarded query is answered locally', async (t) => {
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [a] = instances;
      const cases: [string, RegExp][] = [
        ['/stores/nope/keys/x', /no queryable state store named "nope".*"word-counts"/],
        [`/stores/${WINDOWED}/keys/the?from=yesterday`, /parameter "from" must be a time/],
        [`/stores/${COUNTS}/range`, /range on store "word-counts" needs "from" and\/or "to"/],
        [`/stores/${COUNTS}/all?limit=0`, /"limit" must be at least 1/],
        [`/stores/${COUNTS}/windows`, /key-value store: \/windows is for window stores/],
      ];
      for (const [path, message] of cases) {
        const { status, body } = await getJson(`${a.url}${path}`);
        assert.equal(status, 400, path);
        assert.match(body.error, message, path);
      }
      assert.equal((await getJson(`${a.url}/nothing`)).status, 404);
      const stores = await getJson(`${a.url}/stores`);
      assert.deepEqual(
        stores.body.stores.map((s: { name: string; type: string; partitions: number }) => [
          s.name,
          s.type,
          s.partitions,
        ]),
        [
          [SESSIONS, 'sessionStore', PARTITIONS],
          [WINDOWED, 'timestampedWindowStore', PARTITIONS],
          [COUNTS, 'timestampedKeyValueStore', PARTITIONS],
        ],
      );
      // A word owned by the other instance, sent as a forwarded query: answered here (no second hop), so absent.
      const word = [...expected.keys()].find(
        (w) => a.streams.queryMetadataForKey(COUNTS, w, Serdes.String()).activeHost.port !== a.server.port(),
      )!;
      const response = await fetch(`${a.url}/stores/${COUNTS}/keys/${word}`, {
        headers: { [FORWARDED_HEADER]: 'test' },
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '1');
      assert.match(((await response.json()) as { error: string }).error, /not on this instance/);
    });

    it('when one instance stops, the other takes its partitions over and answers every word (never a wrong count meanwhile)', async (t) => {
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [a, b] = instances;
      await b.server.close();
      const closing = b.streams.close({ timeoutMs: 20_000 });
      const answers = new Map<number, number>();
      const deadline = Date.now() + 60_000;
      for (;;) {
        let complete = true;
        for (const [word, count] of expected) {
          const { status, body } = await getJson(`${a.url}/stores/${COUNTS}/keys/${word}`);
          answers.set(status, (answers.get(status) ?? 0) + 1);
          if (status === 200) assert.equal(body.value, count, `"${word}" while ${b.endpoint} leaves`);
          else {
            // Until the group rebalanced: 503 (not queryable here yet) or 502 (the leaving owner is gone).
            assert.ok(status === 503 || status === 502, `${status}: ${JSON.stringify(body)}`);
            complete = false;
          }
        }
        if (complete && a.streams.metadataForAllStreamsClients().length === 1) break;
        assert.ok(Date.now() < deadline, `A did not answer every word within 60 s: ${JSON.stringify([...answers])}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await closing;
      assert.deepEqual(
        a.streams.streamsMetadataForStore(COUNTS).map((m) => [m.hostInfo, m.topicPartitions.length]),
        [[a.endpoint, PARTITIONS * 4]],
      );
    });
  });
}
