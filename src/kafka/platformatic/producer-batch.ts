/**
 * The real producer's {@link ProducerBatch}: each appended record is encoded at once into its partition's
 * record batch (RecordBatchBuilder), as Kafka's RecordAccumulator does, so the caller's key and value views
 * and record objects die young. A partition whose batch passes the size limit starts another one.
 */
import type { ConsumedRecord, ProducerBatch, ProducerRecord, RecordHeader } from '../backend.ts';
import { decodeRecords, RecordBatchBuilder, readBatchHeaders } from './record-batch.ts';

/** What a partition's batch starts with when nothing is known about the partition yet. */
const FIRST_BATCH_BYTES = 16 * 1024;

export class PlatformaticProducerBatch implements ProducerBatch {
  readonly #maxBatchBytes: number;
  /**
   * Per `topic\0partition`, the size its last batch reached (shared by the producer's batches): a partition's
   * next batch starts about that large, so a steady stream fills one buffer instead of growing one by doubling.
   */
  readonly #sizeHints: Map<string, number>;
  /** The batch each partition is filling, by `topic\0partition`. */
  readonly #open = new Map<string, RecordBatchBuilder>();
  /** Every batch, in the order they were started (so a partition's batches keep their order). */
  readonly #batches: RecordBatchBuilder[] = [];
  #last: RecordBatchBuilder | undefined;
  /** Append order as runs over batches: run i is `#runLengths[i]` records of `#runBatches[i]` (for records()). */
  readonly #runBatches: RecordBatchBuilder[] = [];
  readonly #runLengths: number[] = [];
  #count = 0;
  #sealed = false;

  constructor(maxBatchBytes: number, sizeHints: Map<string, number> = new Map()) {
    this.#maxBatchBytes = maxBatchBytes;
    this.#sizeHints = sizeHints;
  }

  get count(): number {
    return this.#count;
  }

  append(
    topic: string,
    partition: number,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers?: readonly RecordHeader[],
  ): void {
    if (this.#sealed) throw new Error('cannot append to a producer batch that was sent');
    let batch = this.#last;
    // Records mostly come in runs for one partition: the previous record's batch is tried first.
    if (batch === undefined || batch.partition !== partition || batch.topic !== topic) {
      batch = this.#open.get(`${topic}\0${partition}`) ?? this.#start(topic, partition);
    }
    if (!batch.tryAppend(key, value, timestamp, headers, this.#maxBatchBytes)) {
      batch = this.#start(topic, partition);
      batch.tryAppend(key, value, timestamp, headers, this.#maxBatchBytes);
    }
    this.#last = batch;
    const runs = this.#runBatches.length;
    if (runs > 0 && this.#runBatches[runs - 1] === batch) this.#runLengths[runs - 1]++;
    else {
      this.#runBatches.push(batch);
      this.#runLengths.push(1);
    }
    this.#count++;
  }

  #start(topic: string, partition: number): RecordBatchBuilder {
    const key = `${topic}\0${partition}`;
    const batch = new RecordBatchBuilder(topic, partition, this.#sizeHints.get(key) ?? FIRST_BATCH_BYTES);
    this.#open.set(key, batch);
    this.#batches.push(batch);
    return batch;
  }

  /** Ends appending; the batches in the order they were started. Called once, by the send. */
  seal(): readonly RecordBatchBuilder[] {
    if (this.#sealed) throw new Error('a producer batch can be sent only once');
    this.#sealed = true;
    for (const [key, batch] of this.#open) {
      // An eighth more than last time: a slightly larger batch next time still fits without growing.
      this.#sizeHints.set(key, Math.min(this.#maxBatchBytes, batch.sizeInBytes) * 1.125);
    }
    return this.#batches;
  }

  records(): ProducerRecord[] {
    const decoded = new Map<RecordBatchBuilder, ConsumedRecord[]>();
    for (const batch of this.#batches) {
      const bytes = batch.bytes();
      const out: ConsumedRecord[] = [];
      for (const header of readBatchHeaders(bytes)) decodeRecords(bytes, header, 0, out);
      decoded.set(batch, out);
    }
    const positions = new Map<RecordBatchBuilder, number>();
    const records: ProducerRecord[] = [];
    for (let run = 0; run < this.#runBatches.length; run++) {
      const batch = this.#runBatches[run];
      const list = decoded.get(batch) as ConsumedRecord[];
      let position = positions.get(batch) ?? 0;
      for (let i = 0; i < this.#runLengths[run]; i++, position++) {
        const r = list[position];
        records.push({
          topic: batch.topic,
          partition: batch.partition,
          key: r.key,
          value: r.value,
          timestamp: r.timestamp,
          headers: r.headers,
        });
      }
      positions.set(batch, position);
    }
    return records;
  }
}
