/**
 * QueryServer details on the embedded broker, one instance without `application.server` (a server on a free
 * port answering from local stores): keys in the URL are parsed with the store's key serde (Integer here),
 * scans come in serialized-key order, Buffer values are base64, and bad input is a 400 naming the thing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Consumed } from '../dsl/consumed.ts';
import { Materialized } from '../dsl/materialized.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { EmbeddedBroker } from '../kafka/embedded/embedded-broker.ts';
import { partitionForKey } from '../kafka/partitioner.ts';
import { KafkaStreams } from '../runtime/kafka-streams.ts';
import { produceStrings, uniqueName, waitFor } from '../runtime/test-support/runtime-harness.ts';
import { integerSerde } from '../serdes/primitive-serdes.ts';
import { Serdes } from '../serdes/serdes.ts';
import { Stores } from '../state/stores.ts';
import { QueryServer } from './query-server.ts';
import { QueryableStoreTypes } from './queryable-store-types.ts';
import { StoreQueryParameters } from './store-query-parameters.ts';
import { getJson } from './test-support/queryable-word-count.ts';
import { MalformedQueryError, parseUrlKey } from './url-key-parser.ts';

const USERS = 'users';
const COUNTRIES = 'countries';
const KEYS = [-3, 0, 7, 42, 1000];

describe('QueryServer on the embedded broker (no application.server)', () => {
  const backend = new EmbeddedBroker({ groupMinSessionTimeoutMs: 500 });
  const topic = uniqueName('users');
  const countries = uniqueName('countries');
  let streams: KafkaStreams;
  let server: QueryServer;
  let url: string;

  before(async () => {
    await backend.admin.createTopics([
      { name: topic, partitions: 3 },
      { name: countries, partitions: 2 },
    ]);
    await produceStrings(backend, countries, 2, [
      { key: 'fr', value: 'France' },
      { key: 'jp', value: 'Japan' },
    ]);
    const builder = new StreamsBuilder();
    builder.table(topic, Consumed.with(Serdes.Integer(), Serdes.Bytes()), Materialized.as(USERS));
    builder.globalTable(countries, Consumed.with(Serdes.String(), Serdes.String()), Materialized.as(COUNTRIES));
    streams = new KafkaStreams(
      builder.build(),
      { 'application.id': uniqueName('users-app'), 'commit.interval.ms': 100, 'poll.ms': 50 },
      { backend },
    );
    server = new QueryServer({ streams, port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${await server.start()}`;
    await streams.start();
    const producer = await backend.createProducer();
    await producer.send(
      KEYS.map((id) => {
        const key = integerSerde.serializer(topic, id)!;
        return { topic, partition: partitionForKey(key, 3), key, value: Buffer.from([id & 0xff, 0xfe]) };
      }),
    );
    await producer.close();
    const users = streams.store(StoreQueryParameters.fromNameAndType(USERS, QueryableStoreTypes.keyValueStore()));
    await waitFor('every user in the table', () => users.approximateNumEntries() === KEYS.length);
  });

  after(async () => {
    await server.close();
    await streams.close();
    await backend.close();
  });

  it('parses a number key with the Integer key serde and answers with the base64 of the Buffer value', async () => {
    for (const id of KEYS) {
      const { status, body } = await getJson(`${url}/stores/${USERS}/keys/${id}`);
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.key, id);
      assert.equal(body.value, Buffer.from([id & 0xff, 0xfe]).toString('base64'));
      assert.equal(body.partition, partitionForKey(integerSerde.serializer(topic, id)!, 3));
      assert.equal(typeof body.timestamp, 'number');
    }
    const missing = await getJson(`${url}/stores/${USERS}/keys/5`);
    assert.equal(missing.status, 404);
    const bad = await getJson(`${url}/stores/${USERS}/keys/abc`);
    assert.equal(bad.status, 400);
    assert.match(
      bad.body.error,
      /key "abc" of store "users" is not a whole number \(its key serde is Serdes\.Integer\(\)\)/,
    );
  });

  it('scans in serialized-key order (Integer bytes: non-negative ascending, then negative), bounded by limit', async () => {
    const all = await getJson(`${url}/stores/${USERS}/all`);
    assert.deepEqual(
      all.body.entries.map((e: { key: number }) => e.key),
      [0, 7, 42, 1000, -3],
    );
    const range = await getJson(`${url}/stores/${USERS}/range?from=0&to=100`);
    assert.deepEqual(
      range.body.entries.map((e: { key: number }) => e.key),
      [0, 7, 42],
    );
    const limited = await getJson(`${url}/stores/${USERS}/all?limit=2`);
    assert.deepEqual([limited.body.entries.map((e: { key: number }) => e.key), limited.body.truncated], [[0, 7], true]);
    const badLimit = await getJson(`${url}/stores/${USERS}/all?limit=ten`);
    assert.equal(badLimit.status, 400);
    assert.match(badLimit.body.error, /"limit" must be a number, got "ten"/);
    const listing = await getJson(`${url}/stores`);
    assert.deepEqual(
      listing.body.stores.map((s: { name: string; global: boolean; localPartitions: number[] }) => [
        s.name,
        s.global,
        s.localPartitions,
      ]),
      [
        [COUNTRIES, true, [0]],
        [USERS, false, [0, 1, 2]],
      ],
    );
  });

  it('answers from a global store (every instance holds all of it), through store() and HTTP', async () => {
    const view = streams.store(
      StoreQueryParameters.fromNameAndType(COUNTRIES, QueryableStoreTypes.keyValueStore<string, string>()),
    );
    assert.deepEqual(view.all(), [
      { key: 'fr', value: 'France' },
      { key: 'jp', value: 'Japan' },
    ]);
    assert.deepEqual(streams.queryMetadataForKey(COUNTRIES, 'jp', Serdes.String()), {
      activeHost: { host: 'unavailable', port: -1 },
      standbyHosts: [],
      partition: -1,
    });
    const { status, body } = await getJson(`${url}/stores/${COUNTRIES}/keys/jp`);
    assert.deepEqual([status, body.value], [200, 'Japan']);
  });

  it('handle() answers its paths inside another server and leaves the others to it', async () => {
    const other = createServer((req, res) => {
      if (!server.handle(req, res)) res.writeHead(200, { 'content-type': 'text/plain' }).end('the application');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
    try {
      const { status, body } = await getJson(`${base}/stores/${USERS}/keys/42`);
      assert.deepEqual([status, body.key], [200, 42]);
      const page = await fetch(`${base}/index.html`, { signal: AbortSignal.timeout(5_000) });
      assert.equal(await page.text(), 'the application');
    } finally {
      other.closeAllConnections();
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('answers 405 to other methods, and 503 with Retry-After once the client stopped', async () => {
    const post = await fetch(`${url}/stores`, { method: 'POST', signal: AbortSignal.timeout(5_000) });
    assert.equal(post.status, 405);
    await post.body?.cancel();
    await streams.close();
    const stopped = await getJson(`${url}/stores/${USERS}/keys/7`);
    assert.equal(stopped.status, 503);
    assert.equal(stopped.headers.get('retry-after'), '1');
    assert.match(stopped.body.error, /not running \(state NOT_RUNNING\)/);
  });
});

describe('queries over persistent (lmdb) stores', () => {
  it('store() and the QueryServer read a persistent count store, merged in key order across partitions', async () => {
    const backend = new EmbeddedBroker({ groupMinSessionTimeoutMs: 500 });
    const input = uniqueName('lines');
    await backend.admin.createTopics([{ name: input, partitions: 3 }]);
    const text = 'delta alpha echo bravo alpha charlie delta alpha';
    await produceStrings(backend, input, 3, [{ key: 'l', value: text }]);
    const builder = new StreamsBuilder();
    builder
      .stream(input, Consumed.with(Serdes.String(), Serdes.String()))
      .flatMapValues((line) => line.split(' '))
      .groupBy((_key, word) => word)
      .count(Materialized.as(Stores.persistentKeyValueStore('persistent-counts')));
    const streams = new KafkaStreams(
      builder.build(),
      {
        'application.id': uniqueName('persistent-app'),
        'state.dir': mkdtempSync(join(tmpdir(), 'tributary-iq-')),
        'commit.interval.ms': 100,
      },
      { backend },
    );
    const server = new QueryServer(streams, { port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${await server.start()}`;
    try {
      await streams.start();
      const counts = streams.store(
        StoreQueryParameters.fromNameAndType('persistent-counts', QueryableStoreTypes.keyValueStore<string, number>()),
      );
      await waitFor('five words counted', () => counts.approximateNumEntries() === 5);
      const expected = [
        ['alpha', 3],
        ['bravo', 1],
        ['charlie', 1],
        ['delta', 2],
        ['echo', 1],
      ];
      await waitFor('every count final', () => counts.get('alpha') === 3 && counts.get('delta') === 2);
      assert.deepEqual(
        counts.all().map((e) => [e.key, e.value]),
        expected,
      );
      const all = await getJson(`${url}/stores/persistent-counts/all`);
      assert.deepEqual(
        all.body.entries.map((e: { key: string; value: number }) => [e.key, e.value]),
        expected,
      );
      const one = await getJson(`${url}/stores/persistent-counts/keys/delta`);
      assert.deepEqual([one.status, one.body.value], [200, 2]);
    } finally {
      await server.close();
      await streams.close();
      await backend.close();
    }
  });
});

describe('parseUrlKey', () => {
  it('reads each built-in key serde its own way, and refuses text that does not fit, naming it', () => {
    assert.equal(parseUrlKey('héllo', Serdes.String(), 's'), 'héllo');
    assert.equal(parseUrlKey('-12', Serdes.Long(), 's'), -12);
    assert.equal(parseUrlKey('1.5e3', Serdes.Double(), 's'), 1500);
    assert.equal(parseUrlKey('9007199254740993', Serdes.BigLong(), 's'), 9007199254740993n);
    assert.equal(parseUrlKey('true', Serdes.Boolean(), 's'), true);
    assert.deepEqual(parseUrlKey('AQI=', Serdes.Bytes(), 's'), Buffer.from([1, 2]));
    assert.deepEqual(parseUrlKey('{"id":1}', Serdes.JSON(), 's'), { id: 1 });
    assert.equal(parseUrlKey('plain', Serdes.JSON(), 's'), 'plain');
    for (const [text, serde, expected] of [
      ['1.5', Serdes.Integer(), 'a whole number'],
      ['9007199254740993', Serdes.Long(), 'a whole number'],
      ['', Serdes.Double(), 'a number'],
      ['yes', Serdes.Boolean(), 'true or false'],
    ] as const) {
      assert.throws(
        () => parseUrlKey(text, serde, 'store-x'),
        (error: Error) =>
          error instanceof MalformedQueryError &&
          error.message.includes(`key ${JSON.stringify(text)} of store "store-x" is not ${expected}`),
      );
    }
  });
});
