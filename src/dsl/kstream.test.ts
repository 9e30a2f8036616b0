import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Record } from '../processor/record.ts';
import { Serdes } from '../serdes/serdes.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { Branched } from './branched.ts';
import { Named } from './named.ts';
import { Produced } from './produced.ts';
import { StreamsBuilder } from './streams-builder.ts';

function run(define: (b: StreamsBuilder) => void, options: ConstructorParameters<typeof TopologyTestDriver>[2] = {}) {
  const builder = new StreamsBuilder();
  define(builder);
  return new TopologyTestDriver(builder.build(), { 'application.id': 'app' }, options);
}

test('filter, filterNot, mapValues, map, flatMap, selectKey and peek transform records in order', () => {
  const peeked: string[] = [];
  const driver = run((b) => {
    b.stream('in')
      .filter((_k, v) => v.length > 1)
      .filterNot((k) => k === 'skip')
      .mapValues((v) => v.toUpperCase())
      .peek((k, v) => peeked.push(`${k}=${v}`))
      .map((k, v) => [v, k])
      .flatMap((k, v) => [
        [k, v],
        [`${k}!`, v],
      ])
      .selectKey((k) => k.toLowerCase())
      .to('out');
  });
  const input = driver.createInputTopic('in');
  const output = driver.createOutputTopic('out');
  input.pipeInput('a', 'x');
  input.pipeInput('b', 'hello');
  input.pipeInput('skip', 'world');
  input.pipeInput('c', 'kafka');
  assert.deepEqual(peeked, ['b=HELLO', 'c=KAFKA']);
  assert.deepEqual(output.readKeyValuesToList(), [
    { key: 'hello', value: 'b' },
    { key: 'hello!', value: 'b' },
    { key: 'kafka', value: 'c' },
    { key: 'kafka!', value: 'c' },
  ]);
});

test('foreach sees every record; merge combines two streams', () => {
  const seen: string[] = [];
  const driver = run((b) => {
    b.stream('a')
      .merge(b.stream('b'))
      .foreach((k, v) => seen.push(`${k}:${v}`));
  });
  driver.createInputTopic('a').pipeInput('1', 'from-a');
  driver.createInputTopic('b').pipeInput('2', 'from-b');
  assert.deepEqual(seen, ['1:from-a', '2:from-b']);
});

test('split sends each record to the first matching branch, else to the default; branches may be chained', () => {
  const driver = run((b) => {
    const branches = b
      .stream('numbers', { valueSerde: Serdes.Integer() })
      .split(Named.as('n-'))
      .branch((_k, v) => v < 0, Branched.as('negative'))
      .branch(
        (_k, v) => v % 2 === 0,
        Branched.withFunction((s) => s.mapValues((v) => v * 10), 'even'),
      )
      .defaultBranch(Branched.as('odd'));
    assert.deepEqual(Object.keys(branches).sort(), ['n-even', 'n-negative', 'n-odd']);
    branches['n-negative'].to('negative', Produced.with(Serdes.String(), Serdes.Integer()));
    branches['n-even'].to('even', Produced.with(Serdes.String(), Serdes.Integer()));
    branches['n-odd'].to('odd', Produced.with(Serdes.String(), Serdes.Integer()));
  });
  const input = driver.createInputTopic('numbers', Serdes.String(), Serdes.Integer());
  for (const n of [-2, 1, 2, 3, 4]) input.pipeInput(String(n), n);
  assert.deepEqual(driver.createOutputTopic('negative', Serdes.String(), Serdes.Integer()).readValuesToList(), [-2]);
  assert.deepEqual(driver.createOutputTopic('even', Serdes.String(), Serdes.Integer()).readValuesToList(), [20, 40]);
  assert.deepEqual(driver.createOutputTopic('odd', Serdes.String(), Serdes.Integer()).readValuesToList(), [1, 3]);
});

test('to() with a topic name extractor routes each record to its own topic', () => {
  const driver = run((b) => {
    b.stream('events').to((_k, v) => `events-${v.split(':')[0]}`);
  });
  const input = driver.createInputTopic('events');
  input.pipeInput('1', 'click:a');
  input.pipeInput('2', 'view:b');
  input.pipeInput('3', 'click:c');
  assert.deepEqual(driver.createOutputTopic('events-click').readValuesToList(), ['click:a', 'click:c']);
  assert.deepEqual(driver.createOutputTopic('events-view').readValuesToList(), ['view:b']);
});

test('a custom partitioner in Produced picks the output partition', () => {
  const driver = run(
    (b) => {
      b.stream('in').to('out', { partitioner: (_topic, key, _value, n) => Number(key) % n });
    },
    { partitions: { out: 3 } },
  );
  const input = driver.createInputTopic('in');
  for (const key of ['4', '5', '6']) input.pipeInput(key, 'v');
  assert.deepEqual(
    driver
      .createOutputTopic('out')
      .readRecordsToList()
      .map((r) => [r.key, r.partition]),
    [
      ['4', 1],
      ['5', 2],
      ['6', 0],
    ],
  );
});

test('repartition() writes through <application.id>-<name>-repartition with the requested partition count', () => {
  const driver = run((b) => {
    b.stream('in')
      .selectKey((_k, v) => v)
      .repartition({ name: 'by-value', numberOfPartitions: 4 })
      .to('out');
  });
  const input = driver.createInputTopic('in');
  for (const v of ['a', 'b', 'c', 'd', 'e']) input.pipeInput('k', v);
  const through = driver.written('app-by-value-repartition');
  assert.equal(through.length, 5);
  assert.ok(through.every((r) => r.partition >= 0 && r.partition < 4));
  assert.ok(new Set(through.map((r) => r.partition)).size > 1, 'keys spread over the 4 partitions');
  assert.deepEqual(
    driver
      .createOutputTopic('out')
      .readKeyValuesToList()
      .map((kv) => kv.key)
      .sort(),
    ['a', 'b', 'c', 'd', 'e'],
  );
});

test('a null key is dropped before a repartition topic (it could not be partitioned)', () => {
  const driver = run((b) => {
    b.stream('in')
      .selectKey((_k, v) => (v === 'none' ? (null as unknown as string) : v))
      .groupByKey()
      .count()
      .toStream()
      .to('out', Produced.with(Serdes.String(), Serdes.Long()));
  });
  const input = driver.createInputTopic('in');
  input.pipeInput('1', 'a');
  input.pipeInput('2', 'none');
  input.pipeInput('3', 'a');
  assert.deepEqual(driver.createOutputTopic('out', Serdes.String(), Serdes.Long()).readValuesToList(), [1, 2]);
});

test('toTable keeps the latest value per key and forwards deletions', () => {
  const driver = run((b) => {
    b.stream('in').toTable({ storeName: 'latest' }).toStream().to('out');
  });
  const input = driver.createInputTopic('in');
  input.pipeInput('a', '1');
  input.pipeInput('a', '2');
  input.pipeInput('b', '3');
  input.pipeInput('a', null as unknown as string);
  assert.deepEqual(driver.createOutputTopic('out').readKeyValuesToList(), [
    { key: 'a', value: '1' },
    { key: 'a', value: '2' },
    { key: 'b', value: '3' },
    { key: 'a', value: null },
  ]);
  const store = driver.getKeyValueStore<string, string>('latest');
  assert.equal(store.get('a'), undefined);
  assert.equal(store.get('b'), '3');
});

test('process() runs a Processor API processor that may change keys, with timestamps and headers', () => {
  const driver = run((b) => {
    b.stream('in')
      .process<string, number>(() => {
        let context: import('../processor/processor-context.ts').ProcessorContext<string, number>;
        return {
          init(ctx) {
            context = ctx;
          },
          process(record) {
            const header = { key: 'source-offset', value: Buffer.from(String(context.recordMetadata()?.offset)) };
            context.forward(new Record(record.value, record.value.length, record.timestamp + 1, [header]));
          },
        };
      })
      .to('out', Produced.with(Serdes.String(), Serdes.Integer()));
  });
  const input = driver.createInputTopic('in');
  input.pipeInput('k', 'hello', 100);
  input.pipeInput('k', 'hi', 200);
  const records = driver.createOutputTopic('out', Serdes.String(), Serdes.Integer()).readRecordsToList();
  assert.deepEqual(
    records.map((r) => [r.key, r.value, r.timestamp, r.headers[0].value?.toString()]),
    [
      ['hello', 5, 101, '0'],
      ['hi', 2, 201, '1'],
    ],
  );
});

test('processValues() runs a value-only processor', () => {
  const driver = run((b) => {
    b.stream('in')
      .processValues<number>(() => {
        let context: import('../processor/processor-context.ts').FixedKeyProcessorContext<string, number>;
        return {
          init(ctx) {
            context = ctx;
          },
          process(record) {
            context.forward(record.withValue(record.value.length));
          },
        };
      })
      .to('out', Produced.with(Serdes.String(), Serdes.Integer()));
  });
  driver.createInputTopic('in').pipeInput('k', 'abc');
  assert.deepEqual(driver.createOutputTopic('out', Serdes.String(), Serdes.Integer()).readKeyValue(), {
    key: 'k',
    value: 3,
  });
});

test('a missing serde for a non-string value fails with an error naming the topic and the fix', () => {
  const driver = run((b) => {
    b.stream('in')
      .mapValues((v) => ({ text: v }))
      .to('out');
  });
  assert.throws(
    () => driver.createInputTopic('in').pipeInput('k', 'x'),
    (error: Error) =>
      /no value serde for sink "KSTREAM-SINK-0000000002" \(topic "out"\)/.test(error.message) &&
      /Produced\.with/.test(error.message) &&
      /default\.value\.serde/.test(error.message),
  );
});

test('default.value.serde from the config is used where no serde is given', () => {
  const builder = new StreamsBuilder();
  // The compiler cannot see the config: without a serde the source is typed as strings, so the value is cast
  // to what the configured serde reads.
  builder
    .stream('in')
    .mapValues((v) => (v as unknown as number) * 2)
    .to('out');
  const driver = new TopologyTestDriver(builder.build(), {
    'application.id': 'app',
    'default.value.serde': Serdes.Integer(),
  });
  driver.createInputTopic<string, number>('in').pipeInput('k', 21);
  assert.equal(driver.createOutputTopic<string, number>('out').readValue(), 42);
});

test('a timestamp extractor in Consumed gives records their event time; headers pass through to the sink', () => {
  const builder = new StreamsBuilder();
  builder
    .stream('events', {
      valueSerde: Serdes.JSON<{ at: number; what: string }>(),
      timestampExtractor: { extract: (record) => (record.value as { at: number }).at },
    })
    .mapValues((event) => event.what)
    .to('out');
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'app' });
  const input = driver.createInputTopic('events', Serdes.String(), Serdes.JSON<{ at: number; what: string }>());
  input.pipeInput('k', { at: 1_234, what: 'login' }, 99, [{ key: 'trace', value: Buffer.from('t-1') }]);
  const record = driver.createOutputTopic('out').readRecord();
  assert.equal(record.value, 'login');
  assert.equal(record.timestamp, 1_234);
  assert.deepEqual(
    record.headers.map((h) => [h.key, h.value?.toString()]),
    [['trace', 't-1']],
  );
});

test('a source is typed by its serdes: JSON values arrive as objects, and without a serde as the JSON text', () => {
  interface Order {
    id: string;
    total: number;
  }
  const builder = new StreamsBuilder();
  // No type arguments: KStream<string, Order> comes from the serdes, so `o.total` is a number at runtime too.
  builder
    .stream('orders', { keySerde: Serdes.String(), valueSerde: Serdes.JSON<Order>() })
    .mapValues((o) => o.total)
    .to('totals', Produced.with(Serdes.String(), Serdes.Double()));
  // Without serdes the source is KStream<string, string>: the value is the text, as its type says.
  builder
    .stream('orders-as-text')
    .mapValues((text) => text.length)
    .to('lengths', Produced.with(Serdes.String(), Serdes.Integer()));
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'app' });
  const json = JSON.stringify({ id: 'o-1', total: 12.5 });
  driver.createInputTopic('orders').pipeInput('o-1', json);
  driver.createInputTopic('orders-as-text').pipeInput('o-1', json);
  assert.deepEqual(driver.createOutputTopic('totals', Serdes.String(), Serdes.Double()).readKeyValue(), {
    key: 'o-1',
    value: 12.5,
  });
  assert.equal(driver.createOutputTopic('lengths', Serdes.String(), Serdes.Integer()).readValue(), json.length);
});
