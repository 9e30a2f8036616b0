/**
 * The buffer behind `KTable#suppress` (Java's `InMemoryTimeOrderedKeyValueChangeBuffer`): the latest table
 * update per key, ordered by buffer time (then key bytes), with the record context (timestamp, headers, origin)
 * it arrived with. A key updated again keeps its place in time order (Java's non-resetting semantics). Entries
 * are kept serialized, as Java does: that is what its size bounds count, and what the changelog holds.
 *
 * Fault tolerance: every key changed since the last flush is written to the changelog on flush (its entry, or
 * a tombstone once evicted), in the same commit as the input offsets and the emitted results, so a restored
 * buffer holds exactly the updates not yet emitted. The changelog value format is Tributary's own (a version
 * byte, then the fields below); only Tributary reads it.
 */
import { Change } from '../../dsl/internals/change.ts';
import type { RecordHeader } from '../../kafka/backend.ts';
import type { SerdeLike } from '../../processor/internals/serde-like.ts';
import { resolveSerde } from '../../processor/internals/serde-resolution.ts';
import type { RecordCollector, RestoreRecord } from '../../processor/internals/task-contract.ts';
import type { StateStore } from '../state-store.ts';
import type { StoreBuilder } from '../store-builder.ts';
import type { ManagedStore, StoreInitContext } from './store-init-context.ts';

const FORMAT_VERSION = 1;

/** Where a buffered update came from; it is emitted with this timestamp and these headers. */
export interface BufferedRecordContext {
  readonly timestamp: number;
  readonly headers: readonly RecordHeader[];
  readonly topic: string | undefined;
  readonly partition: number;
  readonly offset: number;
}

/** An update leaving the buffer. */
export interface Eviction<K, V> {
  readonly key: K;
  readonly value: Change<V>;
  readonly context: BufferedRecordContext;
}

interface BufferEntry<K> {
  key: K;
  readonly keyBytes: Buffer;
  readonly keyId: string;
  /** Buffer time: fixed while the key stays buffered. */
  readonly time: number;
  /** The value the key had before it was first buffered (the suppressed view's value). */
  priorValue: Buffer | null;
  oldValue: Buffer | null;
  newValue: Buffer | null;
  context: BufferedRecordContext;
  size: number;
}

function compareEntries(a: BufferEntry<unknown>, b: BufferEntry<unknown>): number {
  return a.time - b.time || Buffer.compare(a.keyBytes, b.keyBytes);
}

function contextSize(context: BufferedRecordContext): number {
  let size = 8 + 8 + 4 + (context.topic?.length ?? 0);
  for (const header of context.headers) size += header.key.length + (header.value?.length ?? 0);
  return size;
}

/** Java's size estimate of one buffered entry (what `BufferConfig.maxBytes` bounds). */
function entrySize<K>(entry: BufferEntry<K>): number {
  return (
    8 +
    entry.keyBytes.length +
    (entry.priorValue?.length ?? 0) +
    (entry.oldValue === null || entry.oldValue === entry.priorValue ? 0 : entry.oldValue.length) +
    (entry.newValue?.length ?? 0) +
    contextSize(entry.context)
  );
}

/** Entries by (time, key bytes), smallest first. Stale entries (evicted or replaced by restore) are skipped lazily. */
class EntryHeap<K> {
  private readonly items: BufferEntry<K>[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): BufferEntry<K> | undefined {
    return this.items[0];
  }
  push(entry: BufferEntry<K>): void {
    const items = this.items;
    let i = items.length;
    items.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareEntries(items[parent]!, entry) <= 0) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = entry;
  }
  pop(): BufferEntry<K> | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    const n = items.length;
    if (n > 0 && last !== undefined) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && compareEntries(items[right]!, items[left]!) < 0 ? right : left;
        if (compareEntries(items[child]!, last) >= 0) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
  clear(): void {
    this.items.length = 0;
  }
}

export class InMemoryTimeOrderedKeyValueBuffer<K, V> implements StateStore, ManagedStore {
  readonly name: string;
  readonly persistent = false;
  private readonly explicitKeySerde: SerdeLike<K> | undefined;
  private readonly explicitValueSerde: SerdeLike<V> | undefined;
  private keySerde!: SerdeLike<K>;
  private valueSerde!: SerdeLike<V>;
  private readonly index = new Map<string, BufferEntry<K>>();
  private readonly heap = new EntryHeap<K>();
  private readonly dirtyKeys = new Map<string, Buffer>();
  private memBufferSize = 0;
  private context: StoreInitContext | undefined;
  private collector: RecordCollector | undefined;
  private open = false;
  changelogTopic: string | undefined;

  constructor(name: string, keySerde: SerdeLike<K> | undefined, valueSerde: SerdeLike<V> | undefined) {
    this.name = name;
    this.explicitKeySerde = keySerde;
    this.explicitValueSerde = valueSerde;
  }

  init(context: StoreInitContext): void {
    const where = `suppression buffer "${this.name}"`;
    const fix = 'give the suppressed table serdes upstream (e.g. Materialized.with(keySerde, valueSerde))';
    this.keySerde = resolveSerde(this.explicitKeySerde, context.config, 'key', where, fix);
    this.valueSerde = resolveSerde(this.explicitValueSerde, context.config, 'value', where, fix);
    this.context = context;
    this.changelogTopic = context.changelogTopic;
    this.collector = context.changelogTopic === undefined ? undefined : context.collector;
    this.open = true;
  }

  isOpen(): boolean {
    return this.open;
  }

  private get topic(): string {
    return this.changelogTopic ?? this.name;
  }

  private serializeValue(value: V | null): Buffer | null {
    return value === null || value === undefined ? null : this.valueSerde.serializer(this.topic, value);
  }

  /** Buffers an update of `key` at buffer time `time` (an already buffered key keeps its time). */
  put(time: number, key: K, change: Change<V>, context: BufferedRecordContext): void {
    const keyBytes = this.keySerde.serializer(this.topic, key);
    if (keyBytes === null)
      throw new TypeError(`suppression buffer "${this.name}": the key serde turned a key into null`);
    const keyId = keyBytes.toString('latin1');
    const newValue = this.serializeValue(change.newValue);
    const oldValue = this.serializeValue(change.oldValue);
    const buffered = this.index.get(keyId);
    this.cleanPut(keyId, {
      key,
      keyBytes,
      keyId,
      time,
      priorValue: buffered === undefined ? oldValue : buffered.priorValue,
      oldValue,
      newValue,
      context,
      size: 0,
    });
    if (this.collector !== undefined) this.dirtyKeys.set(keyId, keyBytes);
  }

  private cleanPut(keyId: string, entry: BufferEntry<K>): void {
    entry.size = entrySize(entry);
    const previous = this.index.get(keyId);
    if (previous === undefined) {
      this.index.set(keyId, entry);
      this.heap.push(entry);
      this.memBufferSize += entry.size;
      return;
    }
    // Non-resetting: the key keeps its place (time) in the buffer; only its contents change.
    this.memBufferSize += entry.size - previous.size;
    previous.key = entry.key;
    previous.priorValue = entry.priorValue;
    previous.oldValue = entry.oldValue;
    previous.newValue = entry.newValue;
    previous.context = entry.context;
    previous.size = entry.size;
  }

  private head(): BufferEntry<K> | undefined {
    const heap = this.heap;
    for (;;) {
      const top = heap.peek();
      if (top === undefined || this.index.get(top.keyId) === top) return top;
      heap.pop(); // stale: removed by a restored tombstone
    }
  }

  /**
   * The suppressed view of a buffered key (Java's `priorValueForBuffered`): `{ value }` with the value the key
   * had before its first buffered update (null: none), or undefined when the key is not buffered.
   */
  priorValueForBuffered(key: K): { readonly value: V | null } | undefined {
    const keyBytes = this.keySerde.serializer(this.topic, key);
    if (keyBytes === null) return undefined;
    const entry = this.index.get(keyBytes.toString('latin1'));
    if (entry === undefined) return undefined;
    return { value: entry.priorValue === null ? null : this.valueSerde.deserializer(this.topic, entry.priorValue) };
  }

  /** The smallest buffer time, or MAX_SAFE_INTEGER when empty (Java: Long.MAX_VALUE). */
  minTimestamp(): number {
    return this.head()?.time ?? Number.MAX_SAFE_INTEGER;
  }

  numRecords(): number {
    return this.index.size;
  }

  /** Java's estimate of the buffer's size in bytes. */
  bufferSize(): number {
    return this.memBufferSize;
  }

  /** Removes the oldest entries while `predicate()` holds, handing each to `callback` first. */
  evictWhile(predicate: () => boolean, callback: (eviction: Eviction<K, V>) => void): void {
    const topic = this.topic;
    while (predicate()) {
      const entry = this.head();
      if (entry === undefined) return;
      const value = new Change<V>(
        entry.newValue === null ? null : this.valueSerde.deserializer(topic, entry.newValue),
        entry.oldValue === null ? null : this.valueSerde.deserializer(topic, entry.oldValue),
      );
      callback({ key: entry.key, value, context: entry.context });
      this.heap.pop();
      this.index.delete(entry.keyId);
      this.memBufferSize -= entry.size;
      if (this.collector !== undefined) this.dirtyKeys.set(entry.keyId, entry.keyBytes);
    }
  }

  flush(): void {
    const collector = this.collector;
    if (collector === undefined || this.dirtyKeys.size === 0) return;
    const topic = this.changelogTopic!;
    const partition = this.context!.partition;
    for (const [keyId, keyBytes] of this.dirtyKeys) {
      const entry = this.index.get(keyId);
      collector.send({
        topic,
        partition,
        key: keyBytes,
        value: entry === undefined ? null : encodeEntry(entry),
        timestamp: entry === undefined ? this.context!.currentTimestamp() : entry.context.timestamp,
        headers: [],
      });
    }
    this.dirtyKeys.clear();
  }

  restoreBatch(records: readonly RestoreRecord[]): void {
    for (const record of records) {
      if (record.key === null) continue;
      const keyId = record.key.toString('latin1');
      if (record.value === null) {
        const entry = this.index.get(keyId);
        if (entry !== undefined) {
          this.index.delete(keyId);
          this.memBufferSize -= entry.size;
        }
        continue;
      }
      const keyBytes = Buffer.from(record.key);
      const key = this.keySerde.deserializer(this.topic, keyBytes);
      this.cleanPut(keyId, decodeEntry(this.name, key, keyBytes, keyId, record.value));
    }
  }

  close(): void {
    this.open = false;
    this.index.clear();
    this.heap.clear();
    this.dirtyKeys.clear();
    this.memBufferSize = 0;
  }
}

// ------------------------------------------------------------------------------------ changelog value format
// [version 1][buffer time 8][timestamp 8][offset 8][partition 4][topic: len 4 (-1 none), utf8]
// [header count 4]{[key len 4][utf8][value len 4 (-1 null)][bytes]}[prior is old 1]
// [prior: len 4 (-1 null), bytes][old: same][new: same]

function bytesField(value: Buffer | null): Buffer[] {
  const length = Buffer.allocUnsafe(4);
  length.writeInt32BE(value === null ? -1 : value.length);
  return value === null ? [length] : [length, value];
}

function encodeEntry(entry: BufferEntry<unknown>): Buffer {
  const context = entry.context;
  const fixed = Buffer.allocUnsafe(1 + 8 + 8 + 8 + 4);
  fixed.writeUInt8(FORMAT_VERSION, 0);
  fixed.writeBigInt64BE(BigInt(entry.time), 1);
  fixed.writeBigInt64BE(BigInt(context.timestamp), 9);
  fixed.writeBigInt64BE(BigInt(context.offset), 17);
  fixed.writeInt32BE(context.partition, 25);
  const parts: Buffer[] = [fixed];
  parts.push(...bytesField(context.topic === undefined ? null : Buffer.from(context.topic, 'utf8')));
  const count = Buffer.allocUnsafe(4);
  count.writeInt32BE(context.headers.length);
  parts.push(count);
  for (const header of context.headers) {
    parts.push(...bytesField(Buffer.from(header.key, 'utf8')), ...bytesField(header.value));
  }
  const priorIsOld = entry.priorValue === entry.oldValue;
  parts.push(Buffer.from([priorIsOld ? 1 : 0]));
  parts.push(...bytesField(entry.priorValue));
  if (!priorIsOld) parts.push(...bytesField(entry.oldValue));
  parts.push(...bytesField(entry.newValue));
  return Buffer.concat(parts);
}

function decodeEntry<K>(store: string, key: K, keyBytes: Buffer, keyId: string, data: Buffer): BufferEntry<K> {
  if (data.length < 29 || data[0] !== FORMAT_VERSION) {
    throw new RangeError(
      `suppression buffer "${store}": a changelog record is not in buffer format ${FORMAT_VERSION} (${data.length} bytes, first byte ${data[0]})`,
    );
  }
  let at = 29;
  const readBytes = (): Buffer | null => {
    const length = data.readInt32BE(at);
    at += 4;
    if (length < 0) return null;
    const bytes = Buffer.from(data.subarray(at, at + length));
    at += length;
    return bytes;
  };
  const time = Number(data.readBigInt64BE(1));
  const timestamp = Number(data.readBigInt64BE(9));
  const offset = Number(data.readBigInt64BE(17));
  const partition = data.readInt32BE(25);
  const topic = readBytes()?.toString('utf8');
  const headerCount = data.readInt32BE(at);
  at += 4;
  const headers: RecordHeader[] = [];
  for (let i = 0; i < headerCount; i++) {
    const headerKey = readBytes()!.toString('utf8');
    headers.push({ key: headerKey, value: readBytes() });
  }
  const priorIsOld = data[at++] === 1;
  const priorValue = readBytes();
  const oldValue = priorIsOld ? priorValue : readBytes();
  const newValue = readBytes();
  return {
    key,
    keyBytes,
    keyId,
    time,
    priorValue,
    oldValue,
    newValue,
    context: { timestamp, headers, topic, partition, offset },
    size: 0,
  };
}

/** Describes a suppression buffer to create once per task (Java's `InMemoryTimeOrderedKeyValueChangeBuffer.Builder`). */
export class TimeOrderedKeyValueBufferBuilder<K, V> implements StoreBuilder<InMemoryTimeOrderedKeyValueBuffer<K, V>> {
  readonly name: string;
  readonly loggingEnabled: boolean;
  readonly logConfig: Readonly<Record<string, string>>;
  private readonly keySerde: SerdeLike<K> | undefined;
  private readonly valueSerde: SerdeLike<V> | undefined;

  constructor(
    name: string,
    keySerde: SerdeLike<K> | undefined,
    valueSerde: SerdeLike<V> | undefined,
    loggingEnabled = true,
    logConfig: Readonly<Record<string, string>> = {},
  ) {
    this.name = name;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.loggingEnabled = loggingEnabled;
    this.logConfig = loggingEnabled ? logConfig : {};
  }

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): TimeOrderedKeyValueBufferBuilder<K, V> {
    return new TimeOrderedKeyValueBufferBuilder(this.name, this.keySerde, this.valueSerde, true, config);
  }

  withLoggingDisabled(): TimeOrderedKeyValueBufferBuilder<K, V> {
    return new TimeOrderedKeyValueBufferBuilder(this.name, this.keySerde, this.valueSerde, false, {});
  }

  /** A no-op, as in Java: the buffer never caches. */
  withCachingEnabled(): TimeOrderedKeyValueBufferBuilder<K, V> {
    return this;
  }

  withCachingDisabled(): TimeOrderedKeyValueBufferBuilder<K, V> {
    return this;
  }

  build(): InMemoryTimeOrderedKeyValueBuffer<K, V> {
    return new InMemoryTimeOrderedKeyValueBuffer<K, V>(this.name, this.keySerde, this.valueSerde);
  }
}
