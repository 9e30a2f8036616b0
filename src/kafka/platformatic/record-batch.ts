import { createRequire } from 'node:module';
import { compressionsAlgorithms, compressionsAlgorithmsByBitmask, crc32c } from '@platformatic/kafka';
import type { ConsumedRecord, ProducerRecord, RecordHeader } from '../backend.ts';

/**
 * Kafka's record batch format (magic v2), encoded and decoded here rather than through the client's
 * per-record Writer objects: one exact-size Buffer per batch on the way out, and plain numbers plus views into
 * the fetched bytes (no copies, no bigints per record) on the way in.
 */

export const ATTR_COMPRESSION_MASK = 0x07;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;
/** baseOffset(8) + batchLength(4) */
const LOG_OVERHEAD = 12;
/** Bytes from baseOffset to the first record. */
const BATCH_HEADER = 61;
/** Where the CRC-covered part starts (attributes). */
const CRC_START = 21;

/**
 * CRC-32C of a batch. @platformatic/kafka's `crc32c` copies its input (`new Uint8Array(buffer)`) before calling
 * @node-rs/crc32, which costs more than the CRC itself; so @node-rs/crc32 (the library's own optional native
 * dependency, resolved from the library's location) is called on our Buffer directly, with the library's
 * function as the fallback when it is not installed.
 */
const batchCrc32c: (data: Buffer) => number = loadNativeCrc32c() ?? ((data) => crc32c(data));

function loadNativeCrc32c(): ((data: Buffer) => number) | undefined {
  try {
    const require = createRequire(import.meta.resolve('@platformatic/kafka'));
    const native = (require('@node-rs/crc32') as { crc32c?: (data: Buffer) => number }).crc32c;
    return typeof native === 'function' ? native : undefined;
  } catch {
    return undefined;
  }
}

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface BatchProducer {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly transactional: boolean;
}

const NO_PRODUCER: BatchProducer = { producerId: -1n, producerEpoch: -1, baseSequence: -1, transactional: false };

function zigzag32(n: number): number {
  return (n << 1) ^ (n >> 31);
}

function varintSize(n: number): number {
  let v = zigzag32(n) >>> 0;
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  let v = zigzag32(n) >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Zig-zag for deltas that may exceed int32 (timestamps): plain arithmetic keeps it exact below 2^52. */
function zigzag64(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function varlongSize(n: number): number {
  let v = zigzag64(n);
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

function writeVarlong(buf: Buffer, pos: number, n: number): number {
  let v = zigzag64(n);
  while (v >= 0x80) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

function bytesSize(b: Buffer | null): number {
  return b === null ? 1 : varintSize(b.length) + b.length;
}

function writeBytes(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, pos, -1);
  const length = b.length;
  pos = writeVarint(buf, pos, length);
  // Buffer#copy validates its arguments in JS before copying: for the small keys and values of most records a
  // byte loop (up to 16 bytes) or TypedArray#set is measurably cheaper per record.
  if (length <= 16) for (let i = 0; i < length; i++) buf[pos + i] = b[i];
  else buf.set(b, pos);
  return pos + length;
}

/** Approximate encoded size of a record, for splitting sends into batches below the broker's size limit. */
export function estimateRecordSize(record: ProducerRecord): number {
  let size = 24 + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  const headers = record.headers;
  // An indexed loop: most records carry an empty headers array, and for-of would start an iterator for each.
  if (headers !== undefined) {
    for (let i = 0; i < headers.length; i++) size += 10 + headers[i].key.length * 3 + (headers[i].value?.length ?? 0);
  }
  return size;
}

/** Writes the records' bodies (sizes from the first pass) from `pos` on; returns the position after them. */
function writeRecords(
  buf: Buffer,
  pos: number,
  records: readonly ProducerRecord[],
  now: number,
  baseTimestamp: number,
  bodySizes: readonly number[],
  headerKeys: readonly (Buffer[] | undefined)[],
): number {
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    pos = writeVarint(buf, pos, bodySizes[i]);
    buf[pos++] = 0;
    pos = writeVarlong(buf, pos, (r.timestamp ?? now) - baseTimestamp);
    pos = writeVarint(buf, pos, i);
    pos = writeBytes(buf, pos, r.key);
    pos = writeBytes(buf, pos, r.value);
    const keys = headerKeys[i];
    if (keys) {
      const headers = r.headers as readonly RecordHeader[];
      pos = writeVarint(buf, pos, headers.length);
      for (let h = 0; h < headers.length; h++) {
        pos = writeBytes(buf, pos, keys[h]);
        pos = writeBytes(buf, pos, headers[h].value);
      }
    } else {
      buf[pos++] = 0;
    }
  }
  return pos;
}

/**
 * Encodes records (all for one partition) into one batch. `now` fills missing timestamps. Returns the
 * batch bytes, ready to go into a Produce request.
 */
export function encodeRecordBatch(
  records: readonly ProducerRecord[],
  now: number,
  producer: BatchProducer = NO_PRODUCER,
  compression: Compression = 'none',
): Buffer {
  const count = records.length;
  const baseTimestamp = records[0].timestamp ?? now;
  let maxTimestamp = baseTimestamp;
  // Pass 1: sizes (record bodies and their length prefixes), header keys encoded once.
  const bodySizes = new Array<number>(count);
  const headerKeys: (Buffer[] | undefined)[] = new Array(count);
  let recordsBytes = 0;
  for (let i = 0; i < count; i++) {
    const r = records[i];
    const ts = r.timestamp ?? now;
    if (ts > maxTimestamp) maxTimestamp = ts;
    let body = 1 + varlongSize(ts - baseTimestamp) + varintSize(i) + bytesSize(r.key) + bytesSize(r.value);
    const headers = r.headers;
    if (headers && headers.length > 0) {
      const keys = new Array<Buffer>(headers.length);
      body += varintSize(headers.length);
      for (let h = 0; h < headers.length; h++) {
        keys[h] = Buffer.from(headers[h].key, 'utf8');
        body += bytesSize(keys[h]) + bytesSize(headers[h].value);
      }
      headerKeys[i] = keys;
    } else {
      body += 1;
    }
    bodySizes[i] = body;
    recordsBytes += varintSize(body) + body;
  }
  // Pass 2: the records themselves. Uncompressed, they are written straight into the batch after its header
  // (one allocation, no copy); compressed, into a scratch buffer that the compressor reads.
  let attributes = producer.transactional ? ATTR_TRANSACTIONAL : 0;
  let batch: Buffer;
  if (compression === 'none') {
    batch = Buffer.allocUnsafe(BATCH_HEADER + recordsBytes);
    writeRecords(batch, BATCH_HEADER, records, now, baseTimestamp, bodySizes, headerKeys);
  } else {
    const recordsBuffer = Buffer.allocUnsafe(recordsBytes);
    writeRecords(recordsBuffer, 0, records, now, baseTimestamp, bodySizes, headerKeys);
    const algorithm = compressionsAlgorithms[compression];
    const compressed = algorithm.compressSync(recordsBuffer);
    attributes |= algorithm.bitmask;
    batch = Buffer.allocUnsafe(BATCH_HEADER + compressed.length);
    compressed.copy(batch, BATCH_HEADER);
  }
  writeBatchHeader(batch, attributes, count, baseTimestamp, maxTimestamp, producer);
  writeBatchCrc(batch);
  return batch;
}

/** Everything before the records but the CRC. */
function writeBatchHeader(
  batch: Buffer,
  attributes: number,
  count: number,
  baseTimestamp: number,
  maxTimestamp: number,
  producer: BatchProducer,
): void {
  batch.writeBigInt64BE(0n, 0);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, 8);
  batch.writeInt32BE(-1, 12); // partitionLeaderEpoch: set by the broker
  batch.writeInt8(2, 16); // magic
  batch.writeInt16BE(attributes, 21);
  batch.writeInt32BE(count - 1, 23);
  batch.writeBigInt64BE(BigInt(baseTimestamp), 27);
  batch.writeBigInt64BE(BigInt(maxTimestamp), 35);
  batch.writeBigInt64BE(producer.producerId, 43);
  batch.writeInt16BE(producer.producerEpoch, 51);
  batch.writeInt32BE(producer.baseSequence, 53);
  batch.writeInt32BE(count, 57);
}

function writeBatchCrc(batch: Buffer): void {
  batch.writeUInt32BE(batchCrc32c(batch.subarray(CRC_START)) >>> 0, 17);
}

/**
 * One partition's record batch, written record by record as they are appended (so the caller keeps no record
 * objects), then finished (finishRecordBatch) once the producer knows its sequence numbers. The buffer grows by
 * doubling.
 */
export class RecordBatchBuilder {
  readonly topic: string;
  readonly partition: number;
  #buffer: Buffer;
  #position = BATCH_HEADER;
  #count = 0;
  #baseTimestamp = 0;
  #maxTimestamp = 0;

  constructor(topic: string, partition: number, initialBytes = 16 * 1024) {
    this.topic = topic;
    this.partition = partition;
    this.#buffer = Buffer.allocUnsafe(Math.max(Math.ceil(initialBytes), BATCH_HEADER + 64));
  }

  get count(): number {
    return this.#count;
  }

  /** Bytes written so far, batch header included. */
  get sizeInBytes(): number {
    return this.#position;
  }

  /**
   * Writes one record into the batch. Returns false, writing nothing, when the batch holds records already and
   * this one would take it past `maxBytes` (the caller starts the next batch).
   */
  tryAppend(
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: readonly RecordHeader[] | undefined,
    maxBytes: number,
  ): boolean {
    const index = this.#count;
    if (index === 0) this.#baseTimestamp = timestamp;
    const delta = timestamp - this.#baseTimestamp;
    let body = 1 + varlongSize(delta) + varintSize(index) + bytesSize(key) + bytesSize(value);
    let headerKeys: Buffer[] | undefined;
    if (headers !== undefined && headers.length > 0) {
      headerKeys = new Array<Buffer>(headers.length);
      body += varintSize(headers.length);
      for (let h = 0; h < headers.length; h++) {
        headerKeys[h] = Buffer.from(headers[h].key, 'utf8');
        body += bytesSize(headerKeys[h]) + bytesSize(headers[h].value);
      }
    } else {
      body += 1;
    }
    const end = this.#position + varintSize(body) + body;
    if (index > 0 && end > maxBytes) return false;
    if (end > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(end, this.#buffer.length * 2));
      this.#buffer.copy(grown, 0, 0, this.#position);
      this.#buffer = grown;
    }
    const buf = this.#buffer;
    let pos = writeVarint(buf, this.#position, body);
    buf[pos++] = 0;
    pos = writeVarlong(buf, pos, delta);
    pos = writeVarint(buf, pos, index);
    pos = writeBytes(buf, pos, key);
    pos = writeBytes(buf, pos, value);
    if (headerKeys !== undefined) {
      const list = headers as readonly RecordHeader[];
      pos = writeVarint(buf, pos, list.length);
      for (let h = 0; h < list.length; h++) {
        pos = writeBytes(buf, pos, headerKeys[h]);
        pos = writeBytes(buf, pos, list[h].value);
      }
    } else {
      buf[pos++] = 0;
    }
    this.#position = pos;
    if (index === 0 || timestamp > this.#maxTimestamp) this.#maxTimestamp = timestamp;
    this.#count = index + 1;
    return true;
  }

  /**
   * The batch as it stands: uncompressed, without producer fields or CRC (see finishRecordBatch), readable
   * with readBatchHeaders/decodeRecords. A view: appending more may leave it behind.
   */
  bytes(): Buffer {
    const batch = this.#buffer.subarray(0, this.#position);
    writeBatchHeader(batch, 0, this.#count, this.#baseTimestamp, this.#maxTimestamp, NO_PRODUCER);
    return batch;
  }
}

/**
 * A built batch (RecordBatchBuilder#bytes, no more appends) made ready to send: producer id, epoch, first
 * sequence and the transactional flag written in (in place), the records compressed when asked (into a new
 * buffer), and the CRC.
 */
export function finishRecordBatch(built: Buffer, producer: BatchProducer, compression: Compression = 'none'): Buffer {
  let attributes = producer.transactional ? ATTR_TRANSACTIONAL : 0;
  let batch = built;
  if (compression !== 'none') {
    const algorithm = compressionsAlgorithms[compression];
    const compressed = algorithm.compressSync(built.subarray(BATCH_HEADER));
    attributes |= algorithm.bitmask;
    batch = Buffer.allocUnsafe(BATCH_HEADER + compressed.length);
    compressed.copy(batch, BATCH_HEADER);
  }
  const count = built.readInt32BE(57);
  writeBatchHeader(
    batch,
    attributes,
    count,
    Number(built.readBigInt64BE(27)),
    Number(built.readBigInt64BE(35)),
    producer,
  );
  writeBatchCrc(batch);
  return batch;
}

// ------------------------------------------------------------------------------------------------ decoding

/** One batch's header, with its records still undecoded. */
export interface BatchHeader {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly attributes: number;
  readonly producerId: bigint;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
  /** Byte range of the whole batch inside the buffer it was read from. */
  readonly start: number;
  readonly end: number;
}

/** Walks the complete batches in a fetched records blob (a trailing partial batch is ignored, as Kafka intends). */
export function readBatchHeaders(buf: Buffer): BatchHeader[] {
  const headers: BatchHeader[] = [];
  let pos = 0;
  while (pos + BATCH_HEADER <= buf.length) {
    const batchLength = buf.readInt32BE(pos + 8);
    const end = pos + LOG_OVERHEAD + batchLength;
    if (end > buf.length) break;
    const magic = buf.readInt8(pos + 16);
    if (magic !== 2) throw new Error(`unsupported record batch magic ${magic} (Kafka 4 writes only v2)`);
    const baseOffset = Number(buf.readBigInt64BE(pos));
    const attributes = buf.readInt16BE(pos + 21);
    headers.push({
      baseOffset,
      lastOffset: baseOffset + buf.readInt32BE(pos + 23),
      attributes,
      producerId: buf.readBigInt64BE(pos + 43),
      isTransactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
      isControl: (attributes & ATTR_CONTROL) !== 0,
      start: pos,
      end,
    });
    pos = end;
  }
  return headers;
}

/** For a control batch: true when its marker commits the transaction, false when it aborts it. */
export function isCommitMarker(buf: Buffer, header: BatchHeader): boolean {
  const reader = new VarintReader(recordsOf(buf, header), 0);
  reader.readVarint(); // length
  reader.pos += 1; // attributes
  reader.readVarlong();
  reader.readVarint();
  const keyLength = reader.readVarint();
  // Control record key: version int16, type int16 (0 = abort, 1 = commit).
  return keyLength >= 4 && reader.buf.readInt16BE(reader.pos + 2) === 1;
}

function recordsOf(buf: Buffer, header: BatchHeader): Buffer {
  const raw = buf.subarray(header.start + BATCH_HEADER, header.end);
  const compression = header.attributes & ATTR_COMPRESSION_MASK;
  if (compression === 0) return raw;
  const algorithm = compressionsAlgorithmsByBitmask[compression as keyof typeof compressionsAlgorithmsByBitmask];
  if (!algorithm) throw new Error(`unsupported compression bitmask ${compression}`);
  return algorithm.decompressSync(raw);
}

class VarintReader {
  buf: Buffer;
  pos: number;
  constructor(buf: Buffer, pos: number) {
    this.buf = buf;
    this.pos = pos;
  }
  readVarint(): number {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = this.buf[this.pos++];
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return (result >>> 1) ^ -(result & 1);
  }
  readVarlong(): number {
    let result = 0;
    let multiplier = 1;
    let byte: number;
    do {
      byte = this.buf[this.pos++];
      result += (byte & 0x7f) * multiplier;
      multiplier *= 128;
    } while (byte & 0x80);
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
  }
  readBytes(): Buffer | null {
    const length = this.readVarint();
    if (length < 0) return null;
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
}

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

/**
 * Appends the batch's records with offset >= `fromOffset` to `out`. Keys, values and header values are views
 * into the fetched buffer (valid as long as the caller keeps them; the buffer is never reused).
 */
export function decodeRecords(buf: Buffer, header: BatchHeader, fromOffset: number, out: ConsumedRecord[]): void {
  const start = header.start;
  const baseTimestamp = Number(buf.readBigInt64BE(start + 27));
  const maxTimestamp = Number(buf.readBigInt64BE(start + 35));
  const logAppendTime = (header.attributes & 0x08) !== 0;
  const count = buf.readInt32BE(start + 57);
  const reader = new VarintReader(recordsOf(buf, header), 0);
  for (let i = 0; i < count; i++) {
    const length = reader.readVarint();
    const next = reader.pos + length;
    reader.pos += 1; // record attributes: unused
    const timestampDelta = reader.readVarlong();
    const offset = header.baseOffset + reader.readVarint();
    if (offset < fromOffset) {
      reader.pos = next;
      continue;
    }
    const key = reader.readBytes();
    const value = reader.readBytes();
    const headerCount = reader.readVarint();
    let headers = NO_HEADERS;
    if (headerCount > 0) {
      const list: RecordHeader[] = new Array(headerCount);
      for (let h = 0; h < headerCount; h++) {
        const hk = reader.readBytes();
        list[h] = { key: hk === null ? '' : hk.toString('utf8'), value: reader.readBytes() };
      }
      headers = list;
    }
    reader.pos = next;
    out.push({ offset, timestamp: logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta, key, value, headers });
  }
}
