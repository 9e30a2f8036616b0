/**
 * A {@link ProducerBatch} that keeps the appended records as they are, for backends that take records rather
 * than encoded batches (the embedded broker).
 */
import type { ProducerBatch, ProducerRecord, RecordHeader } from './backend.ts';

export class RecordListBatch implements ProducerBatch {
  readonly #records: ProducerRecord[] = [];

  get count(): number {
    return this.#records.length;
  }

  append(
    topic: string,
    partition: number,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers?: readonly RecordHeader[],
  ): void {
    this.#records.push({ topic, partition, key, value, timestamp, headers });
  }

  records(): ProducerRecord[] {
    return this.#records;
  }
}
