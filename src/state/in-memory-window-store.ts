/**
 * The in-memory window store (Java's `InMemoryWindowStore` wrapped in its change-logging and metered layers):
 * one map per window start, each keyed by the record key, so expiring a window drops one map. As in Java,
 * windows starting at or before `observed stream time − retention` are dropped, puts into them are skipped,
 * and iteration runs by window start, then by serialized key bytes (then sequence number).
 *
 * With `retainDuplicates` (stream-stream joins) every put is kept under its own sequence number, and a null
 * put deletes nothing. Changes go to the changelog at flush (latest value per key and window; every
 * duplicate), keyed as Java's `WindowKeySchema` and stamped with the value's record timestamp.
 */

import type { Windowed } from '../dsl/windowed.ts';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { resolveSerde } from '../processor/internals/serde-resolution.ts';
import type { RecordCollector, RestoreRecord } from '../processor/internals/task-contract.ts';
import { integerSerde, longSerde, shortSerde } from '../serdes/primitive-serdes.ts';
import { stringSerde } from '../serdes/string-serde.ts';
import type { ManagedStore, StoreInitContext } from './internals/store-init-context.ts';
import { extractStoreKeyBytes, extractStoreTimestamp, toStoreKeyBinary } from './internals/window-key-schema.ts';
import type { KeyValue, ValueAndTimestamp } from './key-value-store.ts';
import type { TimestampedWindowStore } from './window-store.ts';

/** Java's `ConsumerRecord.NO_TIMESTAMP`: the observed stream time before the first put. */
const NO_TIMESTAMP = -1;

/**
 * What a window's map is keyed by: for the built-in number and string serdes the key itself (equal keys have
 * equal bytes), otherwise the serialized key as a latin1 string, so that equal bytes mean equal keys.
 */
type MapKey = string | number;
type NativeMapKey = (key: unknown) => MapKey | undefined;

const nativeInt32: NativeMapKey = (key) => (typeof key === 'number' && (key | 0) === key ? key : undefined);
const nativeInt16: NativeMapKey = (key) => (typeof key === 'number' && (key << 16) >> 16 === key ? key : undefined);
const nativeSafeInteger: NativeMapKey = (key) => (Number.isSafeInteger(key) ? (key as number) : undefined);
const nativeString: NativeMapKey = (key) => (typeof key === 'string' ? key.toWellFormed() : undefined);

function nativeMapKeyFor(serde: SerdeLike<unknown>): NativeMapKey | undefined {
  if (serde === integerSerde) return nativeInt32;
  if (serde === shortSerde) return nativeInt16;
  if (serde === longSerde) return nativeSafeInteger;
  if (serde === stringSerde) return nativeString;
  return undefined;
}

/** One value of one key in one window; also the unit of pending changelog writes. */
interface WindowEntry<K, V> {
  readonly key: K;
  readonly keyBytes: Buffer;
  readonly windowStart: number;
  readonly seqnum: number;
  value: V;
  timestamp: number;
  /** Removed from the store: its next flush logs a tombstone. */
  deleted: boolean;
  /** Waiting in `pending` for the next flush. */
  dirty: boolean;
  /** The next duplicate of the same key and window (retainDuplicates only), in sequence order. */
  next: WindowEntry<K, V> | undefined;
}

type Segment<K, V> = Map<MapKey, WindowEntry<K, V>>;

function plainValueOf<V>(entry: WindowEntry<unknown, V>): V {
  return entry.value;
}

function valueAndTimestampOf<V>(entry: WindowEntry<unknown, V>): ValueAndTimestamp<V> {
  return { value: entry.value, timestamp: entry.timestamp };
}

function compareEntries(a: WindowEntry<unknown, unknown>, b: WindowEntry<unknown, unknown>): number {
  return Buffer.compare(a.keyBytes, b.keyBytes) || a.seqnum - b.seqnum;
}

export class InMemoryWindowStore<K, V> implements TimestampedWindowStore<K, V>, ManagedStore {
  readonly name: string;
  readonly persistent = false;
  readonly retentionPeriod: number;
  readonly windowSize: number;
  readonly retainDuplicates: boolean;
  private readonly explicitKeySerde: SerdeLike<K> | undefined;
  private readonly explicitValueSerde: SerdeLike<V> | undefined;
  private keySerde!: SerdeLike<K>;
  private valueSerde!: SerdeLike<V>;
  private nativeMapKey: NativeMapKey | undefined;
  /** Window start → that window's entries. */
  private readonly segments = new Map<number, Segment<K, V>>();
  /** The window starts of `segments`, ascending. */
  private readonly starts: number[] = [];
  private observedStreamTime = NO_TIMESTAMP;
  private seqnum = 0;
  private readonly pending: WindowEntry<K, V>[] = [];
  private context: StoreInitContext | undefined;
  private collector: RecordCollector | undefined;
  private open = false;
  changelogTopic: string | undefined;

  constructor(
    name: string,
    retentionPeriod: number,
    windowSize: number,
    retainDuplicates: boolean,
    keySerde?: SerdeLike<K>,
    valueSerde?: SerdeLike<V>,
  ) {
    this.name = name;
    this.retentionPeriod = retentionPeriod;
    this.windowSize = windowSize;
    this.retainDuplicates = retainDuplicates;
    this.explicitKeySerde = keySerde;
    this.explicitValueSerde = valueSerde;
  }

  init(context: StoreInitContext): void {
    const where = `window store "${this.name}"`;
    const fix = 'pass Materialized.with(keySerde, valueSerde) (or the store builder serdes)';
    this.keySerde = resolveSerde(this.explicitKeySerde, context.config, 'key', where, fix);
    this.valueSerde = resolveSerde(this.explicitValueSerde, context.config, 'value', where, fix);
    this.nativeMapKey = nativeMapKeyFor(this.keySerde as SerdeLike<unknown>);
    this.context = context;
    this.changelogTopic = context.changelogTopic;
    this.collector = context.changelogTopic === undefined ? undefined : context.collector;
    this.open = true;
  }

  isOpen(): boolean {
    return this.open;
  }

  // The last serialized primitive key: an aggregation reads and then writes the same key (in several windows
  // when they hop), so this saves most serializations on the hot path. Objects are not remembered.
  private lastKey: unknown = undefined;
  private lastKeyBytes: Buffer | undefined;
  /** The latin1 Map key of lastKeyBytes, made on first use (natively keyed stores never need it). */
  private lastMapKey: string | undefined;

  private serializeKey(key: K): Buffer {
    if (key === this.lastKey && this.lastKeyBytes !== undefined) return this.lastKeyBytes;
    if (key === null || key === undefined)
      throw new TypeError(`window store "${this.name}" does not accept a null key`);
    const bytes = this.keySerde.serializer(this.changelogTopic ?? this.name, key);
    if (bytes === null) throw new TypeError(`window store "${this.name}" does not accept a null key`);
    if (typeof key !== 'object') {
      this.lastKey = key;
      this.lastKeyBytes = bytes;
      this.lastMapKey = undefined;
    } else {
      this.lastKeyBytes = undefined;
    }
    return bytes;
  }

  private mapKeyOf(key: K): MapKey {
    const native = this.nativeMapKey?.(key);
    if (native !== undefined) return native;
    const bytes = this.serializeKey(key);
    if (bytes !== this.lastKeyBytes) return bytes.toString('latin1');
    if (this.lastMapKey === undefined) this.lastMapKey = bytes.toString('latin1');
    return this.lastMapKey;
  }

  private currentTimestamp(): number {
    return this.context === undefined ? Date.now() : this.context.currentTimestamp();
  }

  /** Drops the windows that start at or before `observed stream time − retention` (Java's removeExpiredSegments). */
  private removeExpiredSegments(): void {
    const minLiveTime = Math.max(0, this.observedStreamTime - this.retentionPeriod + 1);
    const starts = this.starts;
    let expired = 0;
    while (expired < starts.length && starts[expired]! < minLiveTime) this.segments.delete(starts[expired++]!);
    if (expired > 0) {
      starts.splice(0, expired);
      this.cachedStart = Number.NaN;
    }
  }

  // The last window looked up: records of a key (and of neighbouring keys) mostly hit the same window in turn,
  // and a Map lookup by a window start (a double, above 2^31) costs more than this comparison.
  private cachedStart = Number.NaN;
  private cachedSegment: Segment<K, V> | undefined;

  private segmentAt(windowStart: number): Segment<K, V> | undefined {
    if (windowStart === this.cachedStart) return this.cachedSegment;
    const segment = this.segments.get(windowStart);
    this.cachedStart = windowStart;
    this.cachedSegment = segment;
    return segment;
  }

  private segmentFor(windowStart: number): Segment<K, V> {
    let segment = this.segmentAt(windowStart);
    if (segment !== undefined) return segment;
    segment = new Map();
    this.segments.set(windowStart, segment);
    this.cachedStart = windowStart;
    this.cachedSegment = segment;
    const starts = this.starts;
    // Windows mostly open in time order: append, else insert in place.
    if (starts.length === 0 || starts[starts.length - 1]! < windowStart) starts.push(windowStart);
    else starts.splice(lowerBound(starts, windowStart), 0, windowStart);
    return segment;
  }

  private dropSegment(windowStart: number): void {
    this.segments.delete(windowStart);
    this.cachedStart = Number.NaN;
    const index = lowerBound(this.starts, windowStart);
    if (this.starts[index] === windowStart) this.starts.splice(index, 1);
  }

  put(key: K, value: V | null | undefined, windowStartTime: number): void {
    this.putWithTimestamp(key, value, windowStartTime, this.currentTimestamp());
  }

  putWithTimestamp(key: K, value: V | null | undefined, windowStartTime: number, timestamp: number): void {
    this.putInternal(key, undefined, value, windowStartTime, timestamp, this.collector !== undefined);
  }

  /** Java's InMemoryWindowStore#put beneath ChangeLoggingWindowBytesStore (which logs even skipped puts). */
  private putInternal(
    key: K,
    restoredKeyBytes: Buffer | undefined,
    value: V | null | undefined,
    windowStart: number,
    timestamp: number,
    log: boolean,
  ): void {
    if (!Number.isSafeInteger(windowStart))
      throw new RangeError(`window store "${this.name}": window start ${windowStart} is not an integer`);
    this.removeExpiredSegments();
    if (windowStart > this.observedStreamTime) this.observedStreamTime = windowStart;
    const deleting = value === null || value === undefined;
    const seqnum = this.retainDuplicates && !deleting ? (this.seqnum = (this.seqnum + 1) & 0x7fffffff) : 0;

    if (windowStart <= this.observedStreamTime - this.retentionPeriod) {
      // Expired: the store skips it; the changelog layer above it still logs it, as in Java.
      if (log) this.logDetached(key, value, windowStart, seqnum, timestamp);
      return;
    }
    const native = this.nativeMapKey?.(key);
    const mapKey =
      native ?? (restoredKeyBytes === undefined ? this.mapKeyOf(key) : restoredKeyBytes.toString('latin1'));

    if (deleting) {
      if (this.retainDuplicates) {
        // A no-op for the store, but the changelog still gets the tombstone (as Java's logging layer).
        if (log) this.logDetached(key, value, windowStart, seqnum, timestamp);
        return;
      }
      const segment = this.segmentAt(windowStart);
      const previous = segment?.get(mapKey);
      if (previous !== undefined) {
        segment!.delete(mapKey);
        if (segment!.size === 0) this.dropSegment(windowStart);
        if (log) {
          previous.deleted = true;
          previous.timestamp = timestamp;
          if (!previous.dirty) this.markDirty(previous);
        }
      } else if (log) this.logDetached(key, value, windowStart, seqnum, timestamp);
      return;
    }

    const segment = this.segmentFor(windowStart);
    const existing = segment.get(mapKey);
    if (existing !== undefined && !this.retainDuplicates) {
      existing.value = value;
      existing.timestamp = timestamp;
      if (log && !existing.dirty) this.markDirty(existing);
      return;
    }
    const entry: WindowEntry<K, V> = {
      key,
      keyBytes: restoredKeyBytes ?? this.serializeKey(key),
      windowStart,
      seqnum,
      value,
      timestamp,
      deleted: false,
      dirty: false,
      next: undefined,
    };
    if (existing === undefined) segment.set(mapKey, entry);
    else {
      let tail = existing;
      while (tail.next !== undefined) tail = tail.next;
      tail.next = entry;
    }
    if (log) this.markDirty(entry);
  }

  private markDirty(entry: WindowEntry<K, V>): void {
    entry.dirty = true;
    this.pending.push(entry);
  }

  /** Logs a change that is not (or no longer) in the store. */
  private logDetached(
    key: K,
    value: V | null | undefined,
    windowStart: number,
    seqnum: number,
    timestamp: number,
  ): void {
    const deleted = value === null || value === undefined;
    this.markDirty({
      key,
      keyBytes: this.serializeKey(key),
      windowStart,
      seqnum,
      value: value as V,
      timestamp,
      deleted,
      dirty: true,
      next: undefined,
    });
  }

  // ---- reads ----

  private minLiveTime(timeFrom: number): number {
    return Math.max(timeFrom, this.observedStreamTime - this.retentionPeriod + 1);
  }

  /** Window starts in `[from, to]`, ascending. */
  private startsBetween(from: number, to: number): number[] {
    const starts = this.starts;
    const first = lowerBound(starts, from);
    let last = first;
    while (last < starts.length && starts[last]! <= to) last++;
    return starts.slice(first, last);
  }

  fetchWithTimestamp(key: K, windowStartTime: number): ValueAndTimestamp<V> | undefined {
    const entry = this.fetchEntry(key, windowStartTime);
    return entry === undefined ? undefined : { value: entry.value, timestamp: entry.timestamp };
  }

  private fetchEntry(key: K, windowStart: number): WindowEntry<K, V> | undefined {
    this.removeExpiredSegments();
    if (windowStart <= this.observedStreamTime - this.retentionPeriod) return undefined;
    // Java's store keys duplicates by key and sequence number, so a point lookup never finds them.
    if (this.retainDuplicates) return undefined;
    const segment = this.segmentAt(windowStart);
    return segment === undefined ? undefined : segment.get(this.mapKeyOf(key));
  }

  fetch(key: K, windowStartTime: number): V | undefined;
  fetch(key: K, timeFrom: number, timeTo: number): KeyValue<number, V>[];
  fetch(keyFrom: K | undefined, keyTo: K | undefined, timeFrom: number, timeTo: number): KeyValue<Windowed<K>, V>[];
  fetch(
    a: K | undefined,
    b: K | number | undefined,
    c?: number,
    d?: number,
  ): V | undefined | KeyValue<number, V>[] | KeyValue<Windowed<K>, V>[] {
    if (d !== undefined) return this.fetchRange(a, b as K | undefined, c!, d, false);
    if (c !== undefined) return this.fetchKey(a as K, b as number, c, false);
    return this.fetchEntry(a as K, b as number)?.value;
  }

  backwardFetch(key: K, timeFrom: number, timeTo: number): KeyValue<number, V>[];
  backwardFetch(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValue<Windowed<K>, V>[];
  backwardFetch(
    a: K | undefined,
    b: K | number | undefined,
    c: number,
    d?: number,
  ): KeyValue<number, V>[] | KeyValue<Windowed<K>, V>[] {
    if (d !== undefined) return this.fetchRange(a, b as K | undefined, c, d, true);
    return this.fetchKey(a as K, b as number, c, true);
  }

  private fetchKey(key: K, timeFrom: number, timeTo: number, backward: boolean): KeyValue<number, V>[] {
    this.removeExpiredSegments();
    const result: KeyValue<number, V>[] = [];
    const minTime = this.minLiveTime(timeFrom);
    if (timeTo < minTime) return result;
    const mapKey = this.mapKeyOf(key);
    for (const start of this.startsBetween(minTime, timeTo)) {
      for (let entry = this.segments.get(start)!.get(mapKey); entry !== undefined; entry = entry.next)
        result.push({ key: start, value: entry.value });
    }
    if (backward) result.reverse();
    return result;
  }

  private fetchRange(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
    backward: boolean,
  ): KeyValue<Windowed<K>, V>[] {
    return this.fetchRangeOf(keyFrom, keyTo, timeFrom, timeTo, backward, plainValueOf);
  }

  fetchWithTimestamps(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValue<Windowed<K>, ValueAndTimestamp<V>>[] {
    return this.fetchRangeOf(keyFrom, keyTo, timeFrom, timeTo, false, valueAndTimestampOf);
  }

  backwardFetchWithTimestamps(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValue<Windowed<K>, ValueAndTimestamp<V>>[] {
    return this.fetchRangeOf(keyFrom, keyTo, timeFrom, timeTo, true, valueAndTimestampOf);
  }

  private fetchRangeOf<R>(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
    backward: boolean,
    read: (entry: WindowEntry<K, V>) => R,
  ): KeyValue<Windowed<K>, R>[] {
    this.removeExpiredSegments();
    const minTime = this.minLiveTime(timeFrom);
    if (timeTo < minTime) return [];
    // One key (what windowed aggregations ask for): a direct lookup per window, no scan.
    if (keyFrom !== undefined && keyFrom === keyTo && typeof keyFrom !== 'object') {
      const mapKey = this.mapKeyOf(keyFrom);
      const result: KeyValue<Windowed<K>, R>[] = [];
      const windowSize = this.windowSize;
      for (const start of this.startsBetween(minTime, timeTo)) {
        for (let entry = this.segments.get(start)!.get(mapKey); entry !== undefined; entry = entry.next)
          result.push({ key: { key: entry.key, window: { start, end: start + windowSize } }, value: read(entry) });
      }
      if (backward) result.reverse();
      return result;
    }
    const lower = keyFrom === undefined ? undefined : this.serializeKey(keyFrom);
    const upper = keyTo === undefined ? undefined : this.serializeKey(keyTo);
    if (lower !== undefined && upper !== undefined && Buffer.compare(lower, upper) > 0) return [];
    return this.collect(this.startsBetween(minTime, timeTo), lower, upper, backward, read);
  }

  fetchAll(timeFrom: number, timeTo: number): KeyValue<Windowed<K>, V>[] {
    return this.fetchRange(undefined, undefined, timeFrom, timeTo, false);
  }

  backwardFetchAll(timeFrom: number, timeTo: number): KeyValue<Windowed<K>, V>[] {
    return this.fetchRange(undefined, undefined, timeFrom, timeTo, true);
  }

  all(): KeyValue<Windowed<K>, V>[] {
    this.removeExpiredSegments();
    return this.collect(
      this.startsBetween(this.minLiveTime(Number.MIN_SAFE_INTEGER), Infinity),
      undefined,
      undefined,
      false,
      plainValueOf,
    );
  }

  backwardAll(): KeyValue<Windowed<K>, V>[] {
    this.removeExpiredSegments();
    return this.collect(
      this.startsBetween(this.minLiveTime(Number.MIN_SAFE_INTEGER), Infinity),
      undefined,
      undefined,
      true,
      plainValueOf,
    );
  }

  /** The entries of the given windows with keys in `[lower, upper]`: by window start, then key bytes and sequence. */
  private collect<R>(
    starts: readonly number[],
    lower: Buffer | undefined,
    upper: Buffer | undefined,
    backward: boolean,
    read: (entry: WindowEntry<K, V>) => R,
  ): KeyValue<Windowed<K>, R>[] {
    const result: KeyValue<Windowed<K>, R>[] = [];
    const windowSize = this.windowSize;
    for (const start of starts) {
      const selected: WindowEntry<K, V>[] = [];
      for (const head of this.segments.get(start)!.values()) {
        if (lower !== undefined && Buffer.compare(head.keyBytes, lower) < 0) continue;
        if (upper !== undefined && Buffer.compare(head.keyBytes, upper) > 0) continue;
        for (let entry: WindowEntry<K, V> | undefined = head; entry !== undefined; entry = entry.next)
          selected.push(entry);
      }
      selected.sort(compareEntries);
      const end = start + windowSize;
      for (const entry of selected)
        result.push({ key: { key: entry.key, window: { start, end } }, value: read(entry) });
    }
    if (backward) result.reverse();
    return result;
  }

  /** Number of values held (every duplicate counts). */
  approximateNumEntries(): number {
    let count = 0;
    for (const segment of this.segments.values())
      for (const head of segment.values()) for (let e: WindowEntry<K, V> | undefined = head; e; e = e.next) count++;
    return count;
  }

  // ---- changelog ----

  restoreBatch(records: readonly RestoreRecord[]): void {
    const topic = this.changelogTopic ?? this.name;
    for (const record of records) {
      if (record.key === null) continue;
      const windowStart = extractStoreTimestamp(record.key);
      // A copy: the fetched key is a view into a whole fetch response, which a kept view would pin in memory.
      const keyBytes = Buffer.from(extractStoreKeyBytes(record.key));
      const key = this.keySerde.deserializer(topic, keyBytes);
      const value = record.value === null ? null : this.valueSerde.deserializer(topic, record.value);
      this.putInternal(key, keyBytes, value, windowStart, record.timestamp, false);
    }
  }

  flush(): void {
    const collector = this.collector;
    const pending = this.pending;
    if (collector === undefined || pending.length === 0) return;
    const topic = this.changelogTopic!;
    const partition = this.context!.partition;
    for (let i = 0; i < pending.length; i++) {
      const entry = pending[i]!;
      entry.dirty = false;
      collector.send({
        topic,
        partition,
        key: toStoreKeyBinary(entry.keyBytes, entry.windowStart, entry.seqnum),
        value: entry.deleted ? null : this.valueSerde.serializer(topic, entry.value),
        timestamp: entry.timestamp,
        headers: [],
      });
    }
    pending.length = 0;
  }

  close(): void {
    this.open = false;
    this.segments.clear();
    this.cachedStart = Number.NaN;
    this.cachedSegment = undefined;
    this.starts.length = 0;
    this.pending.length = 0;
  }
}

/** The first index whose value is >= `value` in an ascending array. */
function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
