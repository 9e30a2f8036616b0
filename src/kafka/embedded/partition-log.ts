import type { ConsumedRecord, IsolationLevel, RecordHeader } from '../backend.ts';

/** A producer transaction as seen by the partitions it wrote to. */
export interface TransactionMark {
  state: 'open' | 'committed' | 'aborted';
}

/** One entry of a partition's log. Control entries (commit/abort markers) take an offset, as in Kafka, but are never returned. */
export interface LogEntry {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
  /** The transaction that wrote this entry; null for non-transactional records. */
  readonly transaction: TransactionMark | null;
  readonly control: boolean;
  /** Wall-clock time of the append: tombstones are kept for delete.retention.ms after it. */
  readonly appendedAt: number;
  readonly sizeInBytes: number;
}

export interface LogRead {
  readonly records: ConsumedRecord[];
  /** Where the next read starts: past every entry scanned, including markers and aborted records skipped. */
  readonly nextOffset: number;
  readonly highWatermark: number;
}

/** Kafka's per-record overhead in a v2 batch is ~20 bytes; it only matters for the byte limits of a fetch. */
const RECORD_OVERHEAD_BYTES = 20;

export function recordSizeInBytes(key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[]): number {
  let size = RECORD_OVERHEAD_BYTES + (key?.length ?? 0) + (value?.length ?? 0);
  for (const header of headers) size += Buffer.byteLength(header.key) + (header.value?.length ?? 0);
  return size;
}

/**
 * One partition's log: entries in offset order (with gaps once compacted), a log start offset (DeleteRecords
 * moves it), a high watermark and a last stable offset (the first offset of the oldest open transaction).
 */
export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  private entries: LogEntry[] = [];
  private startOffset = 0;
  private endOffset = 0;
  /** First offset each open transaction wrote here: the LSO is their minimum. */
  private readonly openTransactions = new Map<TransactionMark, number>();
  /** Entries appended since the last compaction pass (compacted topics only). */
  private dirty = false;
  /** When the oldest retained tombstone may be dropped: a reason to clean again without new appends. */
  private nextTombstoneExpiry = Number.POSITIVE_INFINITY;
  private readonly waiters = new Set<() => void>();

  constructor(topic: string, partition: number) {
    this.topic = topic;
    this.partition = partition;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  /** The next offset to be written. */
  get highWatermark(): number {
    return this.endOffset;
  }

  /** The end of what read_committed readers may see: the first offset of the oldest open transaction. */
  get lastStableOffset(): number {
    let stable = this.endOffset;
    for (const first of this.openTransactions.values()) stable = Math.min(stable, first);
    return stable;
  }

  endFor(isolationLevel: IsolationLevel): number {
    return isolationLevel === 'read_committed' ? this.lastStableOffset : this.endOffset;
  }

  append(
    record: { timestamp: number; key: Buffer | null; value: Buffer | null; headers: readonly RecordHeader[] },
    transaction: TransactionMark | null,
    now: number,
  ): number {
    const offset = this.endOffset++;
    if (transaction && !this.openTransactions.has(transaction)) this.openTransactions.set(transaction, offset);
    this.entries.push({
      offset,
      timestamp: record.timestamp,
      key: record.key,
      value: record.value,
      headers: record.headers,
      transaction,
      control: false,
      appendedAt: now,
      sizeInBytes: recordSizeInBytes(record.key, record.value, record.headers),
    });
    this.dirty = true;
    this.wake();
    return offset;
  }

  /** Writes the commit or abort marker of a transaction that wrote to this partition. */
  endTransaction(transaction: TransactionMark, now: number): void {
    if (!this.openTransactions.delete(transaction)) return;
    this.entries.push({
      offset: this.endOffset++,
      timestamp: now,
      key: null,
      value: null,
      headers: [],
      transaction,
      control: true,
      appendedAt: now,
      sizeInBytes: RECORD_OVERHEAD_BYTES,
    });
    this.dirty = true;
    this.wake();
  }

  /** Reads from `fromOffset` up to the HW (or LSO under read_committed); at least one record if any is visible. */
  read(fromOffset: number, isolationLevel: IsolationLevel, maxBytes: number): LogRead {
    const end = this.endFor(isolationLevel);
    const records: ConsumedRecord[] = [];
    let nextOffset = fromOffset;
    let bytes = 0;
    for (let i = this.indexOf(fromOffset); i < this.entries.length; i++) {
      const entry = this.entries[i];
      if (entry.offset >= end) break;
      const visible =
        !entry.control && !(isolationLevel === 'read_committed' && entry.transaction?.state === 'aborted');
      if (visible) {
        if (records.length > 0 && bytes + entry.sizeInBytes > maxBytes) break;
        bytes += entry.sizeInBytes;
        records.push({
          offset: entry.offset,
          timestamp: entry.timestamp,
          key: entry.key,
          value: entry.value,
          headers: entry.headers,
        });
      }
      nextOffset = entry.offset + 1;
    }
    return { records, nextOffset: Math.max(nextOffset, fromOffset), highWatermark: end };
  }

  /** Kafka's ListOffsets by time: the first record at or after `timestamp`, below `end`. */
  offsetForTimestamp(timestamp: number, end: number): { offset: number; timestamp: number } | undefined {
    for (let i = this.indexOf(this.startOffset); i < this.entries.length; i++) {
      const entry = this.entries[i];
      if (entry.offset >= end) break;
      if (!entry.control && entry.timestamp >= timestamp) return { offset: entry.offset, timestamp: entry.timestamp };
    }
    return undefined;
  }

  /** DeleteRecords: moves the log start offset forward (never back) and drops what lies before it. */
  deleteBefore(offset: number): number {
    if (offset > this.startOffset) {
      this.startOffset = offset;
      this.entries = this.entries.slice(this.indexOf(offset));
      this.wake();
    }
    return this.startOffset;
  }

  /**
   * The log cleaner for cleanup.policy=compact, run before reads: below the LSO (Kafka never cleans past the
   * first unstable offset) it keeps only the last record per key, drops aborted records, and drops tombstones
   * (null values) appended more than `deleteRetentionMs` ago. Offsets keep their gaps.
   */
  compact(now: number, deleteRetentionMs: number): void {
    if (!this.dirty && now < this.nextTombstoneExpiry) return;
    this.dirty = false;
    this.nextTombstoneExpiry = Number.POSITIVE_INFINITY;
    const cleanableEnd = this.lastStableOffset;
    const lastOffsetByKey = new Map<string, number>();
    for (const entry of this.entries) {
      if (entry.offset >= cleanableEnd) break;
      if (entry.control || entry.key === null || entry.transaction?.state === 'aborted') continue;
      lastOffsetByKey.set(entry.key.toString('latin1'), entry.offset);
    }
    this.entries = this.entries.filter((entry) => {
      if (entry.offset >= cleanableEnd || entry.control) return true;
      if (entry.transaction?.state === 'aborted' || entry.key === null) return false;
      if (lastOffsetByKey.get(entry.key.toString('latin1')) !== entry.offset) return false;
      if (entry.value !== null) return true;
      const expiry = entry.appendedAt + deleteRetentionMs;
      if (now >= expiry) return false;
      this.nextTombstoneExpiry = Math.min(this.nextTombstoneExpiry, expiry);
      return true;
    });
  }

  /** Resolves the next time this log changes (append, marker, deletion). */
  onChange(waiter: () => void): () => void {
    this.waiters.add(waiter);
    return () => this.waiters.delete(waiter);
  }

  /** Wakes every reader waiting on this log (also used when the topic is deleted). */
  wake(): void {
    if (this.waiters.size === 0) return;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter();
  }

  /** Index of the first entry whose offset is >= `offset` (binary search: offsets have gaps after compaction). */
  private indexOf(offset: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.entries[mid].offset < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
