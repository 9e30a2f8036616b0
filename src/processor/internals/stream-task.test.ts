import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamsBuilder } from '../../dsl/streams-builder.ts';
import { DLQ_HEADER_MESSAGE, DLQ_HEADER_OFFSET, DLQ_HEADER_TOPIC } from '../../errors/dead-letter-queue.ts';
import { LogAndContinueExceptionHandler } from '../../errors/deserialization-exception-handler.ts';
import { LogAndContinueProcessingExceptionHandler } from '../../errors/processing-exception-handler.ts';
import type { ConsumedRecord } from '../../kafka/backend.ts';
import { Serdes } from '../../serdes/serdes.ts';
import { buildTopology } from '../../topology/build-topology.ts';
import type { Topology } from '../../topology/topology.ts';
import { LogAndSkipOnInvalidTimestamp } from '../timestamp-extractor.ts';
import type { OutgoingRecord, StreamTask } from './task-contract.ts';

const quiet = { warn: console.warn, error: console.error };
function silenced<T>(run: () => T): T {
  console.warn = () => {};
  console.error = () => {};
  try {
    return run();
  } finally {
    console.warn = quiet.warn;
    console.error = quiet.error;
  }
}

function record(offset: number, timestamp: number, key: string | null, value: Buffer | string | null): ConsumedRecord {
  return {
    offset,
    timestamp,
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value),
    headers: [],
  };
}

function taskFor(
  topology: Topology,
  config: Record<string, unknown> = {},
): { task: StreamTask; sent: OutgoingRecord[] } {
  const sent: OutgoingRecord[] = [];
  const built = buildTopology(topology, { 'application.id': 'app', ...config });
  const task = built.createTask(
    { subtopology: 0, partition: 0 },
    {
      collector: { send: (r) => sent.push(r), partitionsFor: () => 1 },
      now: () => 0,
      config: { 'application.id': 'app', ...config },
    },
  );
  task.initialize();
  return { task, sent };
}

function mergeTopology(): Topology {
  const b = new StreamsBuilder();
  b.stream('a')
    .merge(b.stream('b'))
    .mapValues((v) => v.toUpperCase())
    .to('out');
  return b.build();
}

test('a task processes the records of its partitions in timestamp order and reports the offsets to commit', () => {
  const { task, sent } = taskFor(mergeTopology());
  assert.deepEqual(task.inputPartitions, [
    { topic: 'a', partition: 0 },
    { topic: 'b', partition: 0 },
  ]);
  task.addRecords({ topic: 'a', partition: 0 }, [record(10, 100, 'k', 'a1'), record(11, 300, 'k', 'a2')]);
  task.addRecords({ topic: 'b', partition: 0 }, [record(7, 200, 'k', 'b1')]);
  assert.equal(task.bufferedCount(), 3);
  while (task.processOne()) {}
  assert.deepEqual(
    sent.map((r) => [r.topic, r.value?.toString(), r.timestamp]),
    [
      ['out', 'A1', 100],
      ['out', 'B1', 200],
      ['out', 'A2', 300],
    ],
  );
  assert.ok(task.commitNeeded());
  assert.deepEqual(
    [...task.prepareCommit().values()],
    [
      { topic: 'a', partition: 0, offset: 12 },
      { topic: 'b', partition: 0, offset: 8 },
    ],
  );
  task.postCommit();
  assert.equal(task.commitNeeded(), false);
  task.close();
});

function countTopology(): Topology {
  const b = new StreamsBuilder();
  b.stream('in', { keySerde: Serdes.String(), valueSerde: Serdes.Integer() })
    .groupByKey()
    .count({ storeName: 'counts' })
    .toStream()
    .to('out', { keySerde: Serdes.String(), valueSerde: Serdes.Long() });
  return b.build();
}

const int = (n: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(n);
  return buffer;
};

test('commit flushes the latest value per changed key to the changelog; a new task restores from it', () => {
  const { task, sent } = taskFor(countTopology());
  assert.equal(task.stores[0].changelogTopic, 'app-counts-changelog');
  task.addRecords({ topic: 'in', partition: 0 }, [
    record(0, 1, 'x', int(1)),
    record(1, 2, 'x', int(2)),
    record(2, 3, 'y', int(3)),
  ]);
  while (task.processOne()) {}
  assert.equal(sent.filter((r) => r.topic === 'app-counts-changelog').length, 0, 'changelog is written at commit');
  task.prepareCommit();
  const changelog = sent.filter((r) => r.topic === 'app-counts-changelog');
  assert.deepEqual(
    changelog.map((r) => [r.partition, r.key?.toString(), r.value?.readBigInt64BE(), r.timestamp]),
    [
      [0, 'x', 2n, 2],
      [0, 'y', 1n, 3],
    ],
  );
  task.close();

  const restored = taskFor(countTopology());
  restored.task.stores[0].restoreBatch(
    changelog.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: [] })),
  );
  restored.task.addRecords({ topic: 'in', partition: 0 }, [record(3, 4, 'x', int(9))]);
  restored.task.processOne();
  const out = restored.sent.find((r) => r.topic === 'out');
  assert.equal(out?.value?.readBigInt64BE(), 3n, 'the count continues from the restored 2');
});

test('a record that cannot be deserialized fails the task by default, naming topic, partition and offset', () => {
  const { task } = taskFor(countTopology());
  task.addRecords({ topic: 'in', partition: 0 }, [record(5, 1, 'x', Buffer.from([1, 2]))]);
  assert.throws(
    () => silenced(() => task.processOne()),
    /could not deserialize the record at in-0 offset 5.*deserialization\.exception\.handler/,
  );
});

test('LogAndContinue skips undeserializable records, past which the offset still advances; a DLQ gets the original bytes', () => {
  const { task, sent } = taskFor(countTopology(), {
    'deserialization.exception.handler': LogAndContinueExceptionHandler,
    'errors.dead.letter.queue.topic.name': 'dlq',
  });
  const bad = Buffer.from([1, 2]);
  task.addRecords({ topic: 'in', partition: 0 }, [record(5, 1, 'x', bad), record(6, 2, 'x', int(1))]);
  silenced(() => {
    while (task.processOne()) {}
  });
  const dlq = sent.filter((r) => r.topic === 'dlq');
  assert.equal(dlq.length, 1);
  assert.deepEqual(dlq[0].value, bad);
  assert.equal(dlq[0].key?.toString(), 'x');
  const header = (key: string) => dlq[0].headers.find((h) => h.key === key)?.value?.toString();
  assert.equal(header(DLQ_HEADER_TOPIC), 'in');
  assert.equal(header(DLQ_HEADER_OFFSET), '5');
  assert.match(header(DLQ_HEADER_MESSAGE) ?? '', /Serdes\.Integer\(\)/);
  assert.equal(sent.filter((r) => r.topic === 'out').length, 1, 'the good record was processed');
  assert.equal(task.prepareCommit().get('in-0')?.offset, 7);
});

function failingTopology(): Topology {
  const b = new StreamsBuilder();
  b.stream('in')
    .mapValues((v) => {
      if (v === 'boom') throw new Error('cannot handle boom');
      return v;
    })
    .to('out');
  return b.build();
}

test('a processor that throws fails the task by default, with the processor and record named', () => {
  const { task } = taskFor(failingTopology());
  task.addRecords({ topic: 'in', partition: 0 }, [record(3, 1, 'k', 'boom')]);
  assert.throws(
    () => silenced(() => task.processOne()),
    /processor "KSTREAM-MAPVALUES-0000000001" of task 0_0 failed on the record from in-0 offset 3: cannot handle boom/,
  );
});

test('with the continue processing handler a failing record is dropped and the next one goes on', () => {
  const { task, sent } = taskFor(failingTopology(), {
    'processing.exception.handler': new LogAndContinueProcessingExceptionHandler(),
  });
  task.addRecords({ topic: 'in', partition: 0 }, [record(0, 1, 'k', 'boom'), record(1, 2, 'k', 'fine')]);
  silenced(() => {
    while (task.processOne()) {}
  });
  assert.deepEqual(
    sent.map((r) => r.value?.toString()),
    ['fine'],
  );
});

test('a negative timestamp fails by default and is dropped with LogAndSkipOnInvalidTimestamp', () => {
  const failing = taskFor(mergeTopology());
  failing.task.addRecords({ topic: 'a', partition: 0 }, [record(0, -1, 'k', 'v')]);
  assert.throws(() => failing.task.processOne(), /invalid \(negative\) timestamp -1/);

  const skipping = taskFor(mergeTopology(), { 'default.timestamp.extractor': LogAndSkipOnInvalidTimestamp });
  skipping.task.addRecords({ topic: 'a', partition: 0 }, [record(0, -1, 'k', 'v'), record(1, 5, 'k', 'w')]);
  silenced(() => {
    while (skipping.task.processOne()) {}
  });
  assert.deepEqual(
    skipping.sent.map((r) => r.value?.toString()),
    ['W'],
  );
});

test('context.commit() asks the driver for a commit even when nothing was processed since the last one', () => {
  const topology = new StreamsBuilder();
  topology.stream('in').process(() => {
    let context: import('../processor-context.ts').ProcessorContext<never, never>;
    return {
      init(ctx) {
        context = ctx;
        ctx.schedule(1_000, 'WALL_CLOCK_TIME', () => context.commit());
      },
      process() {},
    };
  });
  const sent: OutgoingRecord[] = [];
  let now = 0;
  const config = { 'application.id': 'app' };
  const task = buildTopology(topology.build(), config).createTask(
    { subtopology: 0, partition: 0 },
    { collector: { send: (r) => sent.push(r), partitionsFor: () => 1 }, now: () => now, config },
  );
  task.initialize();
  assert.equal(task.commitNeeded(), false);
  now = 999;
  assert.equal(task.punctuateWallClock(now), false);
  now = 1_000;
  assert.equal(task.punctuateWallClock(now), true);
  assert.equal(task.commitNeeded(), true);
  task.prepareCommit();
  task.postCommit();
  assert.equal(task.commitNeeded(), false);
});

test('a sink writes an untouched key as its input bytes when both serdes round-trip exactly, and serializes any other key', () => {
  const b = new StreamsBuilder();
  const input = b.stream('in', { keySerde: Serdes.Integer(), valueSerde: Serdes.ByteArray() });
  input.to('same', { keySerde: Serdes.Integer(), valueSerde: Serdes.ByteArray() });
  input.selectKey((k) => k + 1).to('changed', { keySerde: Serdes.Integer(), valueSerde: Serdes.ByteArray() });
  const { task, sent } = taskFor(b.build());
  const key = Buffer.from([0, 0, 1, 2]);
  task.addRecords({ topic: 'in', partition: 0 }, [
    { offset: 0, timestamp: 5, key, value: Buffer.from('v'), headers: [] },
  ]);
  while (task.processOne()) {}
  const byTopic = new Map(sent.map((r) => [r.topic, r.key]));
  assert.equal(byTopic.get('same'), key, 'the input key bytes themselves');
  assert.deepEqual(byTopic.get('changed'), Buffer.from([0, 0, 1, 3]));
});

test('a sink serializes an untouched key again when its serde does not round-trip exactly', () => {
  // A serde whose bytes have several spellings (' 07' and '7' read as 7): its output must be what it writes.
  const text = {
    serializer: (_t: string, n: number) => Buffer.from(`${n}`),
    deserializer: (_t: string, data: Buffer | null) => Number(data?.toString()),
  };
  const b = new StreamsBuilder();
  b.stream('in', { keySerde: text, valueSerde: Serdes.ByteArray() }).to('out', {
    keySerde: text,
    valueSerde: Serdes.ByteArray(),
  });
  const { task, sent } = taskFor(b.build());
  task.addRecords({ topic: 'in', partition: 0 }, [record(0, 6, ' 07', 'w')]);
  while (task.processOne()) {}
  assert.equal(sent[0]?.key?.toString(), '7');
});
