import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32c, Reader, readRecordsBatch } from '@platformatic/kafka';
import type { ConsumedRecord, ProducerRecord } from '../backend.ts';
import { PlatformaticProducerBatch } from './producer-batch.ts';
import {
  decodeRecords,
  encodeRecordBatch,
  finishRecordBatch,
  RecordBatchBuilder,
  readBatchHeaders,
} from './record-batch.ts';

const records: ProducerRecord[] = [
  { topic: 't', partition: 0, key: Buffer.from('k0'), value: Buffer.from('v0'), timestamp: 1_700_000_000_500 },
  { topic: 't', partition: 0, key: null, value: Buffer.alloc(300, 7), timestamp: 1_700_000_000_000 },
  {
    topic: 't',
    partition: 0,
    key: Buffer.alloc(0),
    value: null,
    headers: [
      { key: 'ü-header', value: Buffer.from('x') },
      { key: 'nil', value: null },
    ],
  },
];

describe('record batch codec', () => {
  it('stores the CRC-32C of everything after the CRC field, as the client library computes it', () => {
    for (const count of [1, 3]) {
      const batch = encodeRecordBatch(records.slice(0, count), 1_700_000_001_000);
      // Copied out to a fresh buffer, so the library's function sees the same bytes at offset 0.
      assert.equal(batch.readUInt32BE(17), crc32c(Buffer.from(batch.subarray(21))) >>> 0);
    }
  });

  it('encodes a batch the client library decodes identically (producer fields, deltas, headers, nulls)', () => {
    const batch = encodeRecordBatch(records, 1_700_000_001_000, {
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 17,
      transactional: true,
    });
    const decoded = readRecordsBatch(Reader.from(batch));
    assert.equal(decoded.producerId, 42n);
    assert.equal(decoded.producerEpoch, 3);
    assert.equal(decoded.firstSequence, 17);
    assert.equal(decoded.attributes & 0x10, 0x10);
    assert.equal(decoded.lastOffsetDelta, 2);
    assert.equal(decoded.firstTimestamp, 1_700_000_000_500n);
    assert.equal(decoded.maxTimestamp, 1_700_000_001_000n);
    assert.deepEqual(
      decoded.records.map((r) => Number(decoded.firstTimestamp + r.timestampDelta)),
      [1_700_000_000_500, 1_700_000_000_000, 1_700_000_001_000],
    );
    assert.deepEqual(decoded.records[1].value, Buffer.alloc(300, 7));
    assert.equal(decoded.records[1].key, null);
    assert.deepEqual(decoded.records[2].headers[0], [Buffer.from('ü-header'), Buffer.from('x')]);
  });

  it('decodes its own batches from a given offset, with offsets from the batch base', () => {
    const batch = encodeRecordBatch(records, 1_700_000_001_000);
    batch.writeBigInt64BE(100n, 0); // the broker assigns the base offset
    const two = Buffer.concat([batch, batch.subarray(0, 30)]); // plus a truncated trailing batch
    const headers = readBatchHeaders(two);
    assert.equal(headers.length, 1, 'the partial trailing batch is ignored');
    assert.equal(headers[0].baseOffset, 100);
    assert.equal(headers[0].lastOffset, 102);
    const out: ConsumedRecord[] = [];
    decodeRecords(two, headers[0], 101, out);
    assert.deepEqual(
      out.map((r) => [r.offset, r.timestamp, r.key, r.value?.length ?? null]),
      [
        [101, 1_700_000_000_000, null, 300],
        [102, 1_700_000_001_000, Buffer.alloc(0), null],
      ],
    );
    assert.deepEqual(out[1].headers, [
      { key: 'ü-header', value: Buffer.from('x') },
      { key: 'nil', value: null },
    ]);
  });

  it('round-trips compressed batches', () => {
    for (const compression of ['gzip', 'snappy', 'lz4'] as const) {
      const batch = encodeRecordBatch(records, 1, undefined, compression);
      const [header] = readBatchHeaders(batch);
      const out: ConsumedRecord[] = [];
      decodeRecords(batch, header, 0, out);
      assert.deepEqual(
        out.map((r) => r.value?.length ?? null),
        [2, 300, null],
        compression,
      );
    }
  });

  it('encodes negative timestamp deltas and large deltas exactly', () => {
    const batch = encodeRecordBatch(
      [
        { topic: 't', partition: 0, key: null, value: null, timestamp: 5_000_000_000_000 },
        { topic: 't', partition: 0, key: null, value: null, timestamp: 1 },
      ],
      0,
    );
    const out: ConsumedRecord[] = [];
    decodeRecords(batch, readBatchHeaders(batch)[0], 0, out);
    assert.deepEqual(
      out.map((r) => r.timestamp),
      [5_000_000_000_000, 1],
    );
  });

  it('a batch built record by record is byte for byte the batch encoded at once, compressed or not', () => {
    const producer = { producerId: 42n, producerEpoch: 3, baseSequence: 17, transactional: true };
    const timed = records.map((r, i) => ({ ...r, timestamp: r.timestamp ?? 1_700_000_000_900 + i }));
    for (const compression of ['none', 'gzip'] as const) {
      // 64 bytes to start with: the buffer has to grow on the way.
      const builder = new RecordBatchBuilder('t', 0, 64);
      for (const r of timed) assert.ok(builder.tryAppend(r.key, r.value, r.timestamp, r.headers, 1 << 20));
      assert.equal(builder.count, 3);
      const finished = finishRecordBatch(builder.bytes(), producer, compression);
      assert.deepEqual(finished, encodeRecordBatch(timed, 0, producer, compression), compression);
      const decoded = readRecordsBatch(Reader.from(finished));
      assert.equal(decoded.producerId, 42n);
      assert.equal(decoded.firstSequence, 17);
    }
  });

  it('a built batch refuses a record past its size limit, but never its first record', () => {
    const builder = new RecordBatchBuilder('t', 0);
    assert.ok(builder.tryAppend(null, Buffer.alloc(500), 1, undefined, 300), 'the first record always fits');
    assert.equal(builder.tryAppend(null, Buffer.alloc(10), 1, undefined, 300), false);
    assert.equal(builder.count, 1);
  });

  it('a producer batch splits partitions and large runs into batches and gives the records back in append order', () => {
    const batch = new PlatformaticProducerBatch(1_000);
    const appended: [string, number, string][] = [];
    for (let i = 0; i < 40; i++) {
      const [topic, partition] = i % 7 === 0 ? ['u', 0] : ['t', i % 2];
      const value = `${i}`.padEnd(100, '.');
      appended.push([topic, partition, value]);
      batch.append(topic, partition, Buffer.from(`k${i}`), Buffer.from(value), 1_000 + i);
    }
    const built = batch.seal();
    assert.ok(built.length > 3, `${built.length} batches: the 1,000-byte limit split the runs`);
    for (const b of built) assert.ok(b.bytes().length <= 1_000);
    assert.deepEqual(
      batch.records().map((r) => [r.topic, r.partition, r.value?.toString()]),
      appended,
    );
    assert.throws(() => batch.append('t', 0, null, null, 1), /sent/);
  });

  it("a producer batch starts a partition's batch about as large as that partition's last one", () => {
    const hints = new Map<string, number>();
    const first = new PlatformaticProducerBatch(100_000, hints);
    for (let i = 0; i < 200; i++) first.append('t', 3, null, Buffer.alloc(100), i);
    const [built] = first.seal();
    assert.equal(hints.get('t\x003'), built.sizeInBytes * 1.125);
    const second = new PlatformaticProducerBatch(100_000, hints);
    second.append('t', 3, null, Buffer.alloc(100), 0);
    assert.equal(second.seal()[0].bytes().buffer.byteLength >= built.sizeInBytes, true, 'no growing by doubling');
  });
});
