import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reader } from '@platformatic/kafka';
import type { ConsumedRecord } from '../backend.ts';
import { recordSegments } from './fetch-v17.ts';
import { decodeRecords, encodeRecordBatch, readBatchHeaders } from './record-batch.ts';

/** Three batches of different sizes, back to back, as a fetch response carries them. */
function blob(): Buffer {
  const batch = (base: number, count: number) =>
    encodeRecordBatch(
      Array.from({ length: count }, (_, i) => ({
        topic: 't',
        partition: 0,
        key: Buffer.from(`k${base + i}`),
        value: Buffer.alloc(20, base + i),
        timestamp: 1000 + base + i,
      })),
      0,
    );
  const batches = [batch(0, 3), batch(3, 1), batch(4, 5)];
  // Offsets as the broker assigns them (the producer writes base offset 0).
  let offset = 0;
  for (const b of batches) {
    b.writeBigInt64BE(BigInt(offset), 0);
    offset += b.readInt32BE(57);
  }
  return Buffer.concat(batches);
}

/** The bytes split into socket-like chunks at the given cut points, with `pad` bytes of other data in front. */
function response(bytes: Buffer, cuts: number[], pad: number) {
  const all = Buffer.concat([Buffer.alloc(pad, 0xee), bytes]);
  const points = [0, ...cuts.map((c) => c + pad), all.length];
  const chunks = points.slice(1).map((p, i) => all.subarray(points[i], p));
  const dynamic = Reader.from(chunks[0]).buffer;
  for (const c of chunks.slice(1)) dynamic.append(c);
  return { dynamic, chunks };
}

function decodeAll(segments: readonly Buffer[]): ConsumedRecord[] {
  const out: ConsumedRecord[] = [];
  for (const s of segments) for (const h of readBatchHeaders(s)) decodeRecords(s, h, 0, out);
  return out;
}

describe('recordSegments', () => {
  const bytes = blob();
  const expected = decodeAll([bytes]).map((r) => [r.offset, r.key?.toString(), r.timestamp]);

  it('cuts the records of a chunked response at batch boundaries, copying only batches that straddle chunks', () => {
    const first = readBatchHeaders(bytes)[0];
    const cases: number[][] = [[], [first.end], [first.end + 5], [7, first.end + 30], [1, 2, 3, bytes.length - 1]];
    for (const cuts of cases) {
      const { dynamic, chunks } = response(bytes, cuts, 9);
      const segments = recordSegments(dynamic, 9, 9 + bytes.length);
      assert.deepEqual(Buffer.concat(segments), bytes, `same bytes, cuts ${cuts}`);
      assert.deepEqual(
        decodeAll(segments).map((r) => [r.offset, r.key?.toString(), r.timestamp]),
        expected,
        `same records, cuts ${cuts}`,
      );
      for (const segment of segments) {
        const view = chunks.some((c) => c.buffer === segment.buffer);
        const headers = readBatchHeaders(segment);
        assert.equal(headers.at(-1)?.end, segment.length, `whole batches only, cuts ${cuts}`);
        if (!view) assert.equal(headers.length, 1, `a copy holds one straddling batch, cuts ${cuts}`);
      }
      if (cuts.length === 0 || (cuts.length === 1 && cuts[0] === first.end)) {
        assert.ok(
          segments.every((s) => chunks.some((c) => c.buffer === s.buffer)),
          'no copy when no batch straddles',
        );
      }
    }
  });

  it('keeps a trailing partial batch in the last segment, where the decoder ignores it', () => {
    const cut = bytes.subarray(0, bytes.length - 4);
    const { dynamic } = response(cut, [10], 0);
    const segments = recordSegments(dynamic, 0, cut.length);
    assert.deepEqual(Buffer.concat(segments), cut);
    assert.deepEqual(
      decodeAll(segments).map((r) => r.offset),
      [0, 1, 2, 3],
    );
  });
});
