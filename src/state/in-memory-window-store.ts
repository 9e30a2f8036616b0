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
import { LastSerializedKey } from './internals/last-serialized-key.ts';
import { type MapKey, type NativeMapKey, nativeMapKeyFor } from './internals/native-map-key.ts';
import type { ManagedStore, StoreInitContext } from './internals/store-init-context.ts';
import { extractStoreKeyBytes, extractStoreTimestamp, toStoreKeyBinary } from './internals/window-key-schema.ts';
import type { KeyValue, ValueAndTimestamp } from './key-value-store.ts';
import type { TimestampedWindowStore } from './window-store.ts';

/** Java's `ConsumerRecord.NO_TIMESTAMP`: the observed stream time before the first put. */
const NO_TIMESTAMP = -1;

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

/** One window's entries: by Map key, and (once a range read needed them) their heads in key order. */
class Segment<K, V> {
  readonly start: number;
  readonly byKey = new Map<MapKey, WindowEntry<K, V>>();
  /**
   * The heads of byKey in serialized-key order, kept up to date once built: range reads binary-search it
   * (as Java's skip list per window) instead of scanning the window. Undefined until a range read needs it, so
   * aggregations that only read single keys never pay for it.
   */
  sorted: WindowEntry<K, V>[] | undefined = undefined;
  constructor(start: number) {
    this.start = start;
  }
}

/**
 * One key's windows (the heads of its entries), by window start ascending: single-key range fetches (what
 * stream-stream joins ask for, per record) binary-search it instead of looking the key up in every window of
 * the range. Expiry drops the oldest heads first, so they are skipped by `first` and compacted now and then.
 */
class KeyWindows<K, V> {
  heads: WindowEntry<K, V>[] = [];
  first = 0;
}

/** Orders entries (or a bound: an object with a key and its bytes) by serialized key bytes. */
type KeyOrder = (a: { key: unknown; keyBytes: Buffer }, b: { key: unknown; keyBytes: Buffer }) => number;

const byBytes: KeyOrder = (a, b) => Buffer.compare(a.keyBytes, b.keyBytes);
// Big-endian two's complement bytes sort as unsigned numbers: non-negative first, then negative.
const byInt32Bytes: KeyOrder = (a, b) => ((a.key as number) >>> 0) - ((b.key as number) >>> 0);
const byInt16Bytes: KeyOrder = (a, b) => ((a.key as number) & 0xffff) - ((b.key as number) & 0xffff);
const byInt64Bytes: KeyOrder = (a, b) => {
  const x = a.key as number;
  const y = b.key as number;
  return x < 0 === y < 0 ? x - y : x < 0 ? 1 : -1;
};

/** The cheapest order equal to the serialized keys' byte order: numbers compare natively for the number serdes. */
function keyOrderFor(serde: SerdeLike<unknown>): KeyOrder {
  if (serde === integerSerde) return byInt32Bytes;
  if (serde === shortSerde) return byInt16Bytes;
  if (serde === longSerde) return byInt64Bytes;
  return byBytes;
}

function plainValueOf<V>(entry: WindowEntry<unknown, V>): V {
  return entry.value;
}

function valueAndTimestampOf<V>(entry: WindowEntry<unknown, V>): ValueAndTimestamp<V> {
  return { value: entry.value, timestamp: entry.timestamp };
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
  private keyOrder: KeyOrder = byBytes;
  /** Window start → that window's entries. */
  private readonly segments = new Map<number, Segment<K, V>>();
  /** The same windows, by start ascending. */
  private readonly segmentList: Segment<K, V>[] = [];
  /**
   * Where the live windows begin in segmentList: expiry advances it and compacts the list now and then, as a
   * splice at the front per expired window (one per record in a join at 1 record/ms) would copy the whole list.
   */
  private liveFrom = 0;
  /**
   * Map key → that key's windows. Undefined until a single-key range fetch needs it (then kept on every
   * put, delete and expiry), so aggregations that only read single windows never pay for it.
   */
  private keyIndex: Map<MapKey, KeyWindows<K, V>> | undefined = undefined;
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
    this.keyOrder = keyOrderFor(this.keySerde as SerdeLike<unknown>);
    this.context = context;
    this.changelogTopic = context.changelogTopic;
    this.collector = context.changelogTopic === undefined ? undefined : context.collector;
    this.open = true;
  }

  isOpen(): boolean {
    return this.open;
  }

  private readonly lastKey = new LastSerializedKey();

  private serializeKey(key: K): Buffer {
    return this.lastKey.serialize(key, this.keySerde, this.changelogTopic ?? this.name, 'window store', this.name);
  }

  private mapKeyOf(key: K): MapKey {
    const native = this.nativeMapKey?.(key);
    if (native !== undefined) return native;
    return this.lastKey.latin1Of(this.serializeKey(key));
  }

  private currentTimestamp(): number {
    return this.context === undefined ? Date.now() : this.context.currentTimestamp();
  }

  /** Drops the windows that start at or before `observed stream time − retention` (Java's removeExpiredSegments). */
  private removeExpiredSegments(): void {
    const minLiveTime = Math.max(0, this.observedStreamTime - this.retentionPeriod + 1);
    const list = this.segmentList;
    let expired = this.liveFrom;
    while (expired < list.length && list[expired]!.start < minLiveTime) {
      const segment = list[expired++]!;
      this.segments.delete(segment.start);
      if (this.keyIndex !== undefined) this.unindexSegment(segment);
    }
    if (expired > this.liveFrom) {
      this.cachedStart = Number.NaN;
      if (expired >= 1024 && expired * 2 >= list.length) {
        list.splice(0, expired);
        this.liveFrom = 0;
      } else {
        // Release the expired windows now; the slots go at the next compaction.
        list.fill(undefined as never, this.liveFrom, expired);
        this.liveFrom = expired;
      }
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
    segment = new Segment<K, V>(windowStart);
    this.segments.set(windowStart, segment);
    this.cachedStart = windowStart;
    this.cachedSegment = segment;
    const list = this.segmentList;
    // Windows mostly open in time order: append, else insert in place.
    if (list.length === this.liveFrom || list[list.length - 1]!.start < windowStart) list.push(segment);
    else list.splice(firstSegmentFrom(list, this.liveFrom, windowStart), 0, segment);
    return segment;
  }

  private dropSegment(windowStart: number): void {
    this.segments.delete(windowStart);
    this.cachedStart = Number.NaN;
    const index = firstSegmentFrom(this.segmentList, this.liveFrom, windowStart);
    if (this.segmentList[index]?.start === windowStart) this.segmentList.splice(index, 1);
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
      const previous = segment?.byKey.get(mapKey);
      if (previous !== undefined) {
        segment!.byKey.delete(mapKey);
        if (segment!.sorted !== undefined) this.removeSorted(segment!.sorted, previous);
        if (this.keyIndex !== undefined) this.unindexHead(mapKey, previous);
        if (segment!.byKey.size === 0) this.dropSegment(windowStart);
        if (log) {
          previous.deleted = true;
          previous.timestamp = timestamp;
          if (!previous.dirty) this.markDirty(previous);
        }
      } else if (log) this.logDetached(key, value, windowStart, seqnum, timestamp);
      return;
    }

    const segment = this.segmentFor(windowStart);
    const existing = segment.byKey.get(mapKey);
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
    if (existing === undefined) {
      segment.byKey.set(mapKey, entry);
      if (segment.sorted !== undefined) this.insertSorted(segment.sorted, entry);
      if (this.keyIndex !== undefined) this.indexHead(this.keyIndex, mapKey, entry);
    } else {
      let tail = existing;
      while (tail.next !== undefined) tail = tail.next;
      tail.next = entry;
    }
    if (log) this.markDirty(entry);
  }

  /** Inserts a new head after the heads ordered before or equal to it. */
  private insertSorted(sorted: WindowEntry<K, V>[], entry: WindowEntry<K, V>): void {
    const order = this.keyOrder;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (order(sorted[mid]!, entry) <= 0) low = mid + 1;
      else high = mid;
    }
    if (low === sorted.length) sorted.push(entry);
    else sorted.splice(low, 0, entry);
  }

  private removeSorted(sorted: WindowEntry<K, V>[], entry: WindowEntry<K, V>): void {
    for (let i = this.firstAtOrAfter(sorted, entry); i < sorted.length; i++) {
      if (sorted[i] === entry) {
        sorted.splice(i, 1);
        return;
      }
    }
  }

  /** The index of the first head not ordered before `bound`. */
  private firstAtOrAfter(sorted: readonly WindowEntry<K, V>[], bound: { key: unknown; keyBytes: Buffer }): number {
    const order = this.keyOrder;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (order(sorted[mid]!, bound) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private sortedHeads(segment: Segment<K, V>): WindowEntry<K, V>[] {
    if (segment.sorted === undefined) segment.sorted = [...segment.byKey.values()].sort(this.keyOrder);
    return segment.sorted;
  }

  // ---- the per-key index ----

  private keyWindows(): Map<MapKey, KeyWindows<K, V>> {
    if (this.keyIndex !== undefined) return this.keyIndex;
    const index = new Map<MapKey, KeyWindows<K, V>>();
    // Windows by start ascending: every key's heads are appended in order.
    for (const segment of this.liveSegments())
      for (const [mapKey, head] of segment.byKey) this.indexHead(index, mapKey, head);
    this.keyIndex = index;
    return index;
  }

  private indexHead(index: Map<MapKey, KeyWindows<K, V>>, mapKey: MapKey, head: WindowEntry<K, V>): void {
    let windows = index.get(mapKey);
    if (windows === undefined) {
      windows = new KeyWindows<K, V>();
      index.set(mapKey, windows);
    }
    const heads = windows.heads;
    // Windows mostly open in time order: append, else insert in place.
    if (heads.length === windows.first || heads[heads.length - 1]!.windowStart < head.windowStart) heads.push(head);
    else heads.splice(firstHeadFrom(heads, windows.first, head.windowStart), 0, head);
  }

  private unindexHead(mapKey: MapKey, head: WindowEntry<K, V>): void {
    const windows = this.keyIndex!.get(mapKey);
    if (windows === undefined) return;
    const heads = windows.heads;
    const at = firstHeadFrom(heads, windows.first, head.windowStart);
    if (heads[at] !== head) return;
    if (at === windows.first) windows.first++;
    else heads.splice(at, 1);
    this.compact(mapKey, windows);
  }

  /** Drops an expired window's heads: each is its key's oldest. */
  private unindexSegment(segment: Segment<K, V>): void {
    const index = this.keyIndex!;
    for (const [mapKey, head] of segment.byKey) {
      const windows = index.get(mapKey);
      if (windows === undefined) continue;
      if (windows.heads[windows.first] === head) {
        windows.first++;
        this.compact(mapKey, windows);
      } else this.unindexHead(mapKey, head);
    }
  }

  private compact(mapKey: MapKey, windows: KeyWindows<K, V>): void {
    const heads = windows.heads;
    if (windows.first === heads.length) this.keyIndex!.delete(mapKey);
    else if (windows.first >= 16 && windows.first * 2 >= heads.length) {
      heads.splice(0, windows.first);
      windows.first = 0;
    }
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

  private liveSegments(): Segment<K, V>[] {
    return this.liveFrom === 0 ? this.segmentList : this.segmentList.slice(this.liveFrom);
  }

  /** The windows starting in `[from, to]`, by start ascending. */
  private segmentsBetween(from: number, to: number): Segment<K, V>[] {
    const list = this.segmentList;
    const first = firstSegmentFrom(list, this.liveFrom, from);
    let last = first;
    while (last < list.length && list[last]!.start <= to) last++;
    return first === 0 && last === list.length ? list : list.slice(first, last);
  }

  fetchWithTimestamp(key: K, windowStartTime: number): ValueAndTimestamp<V> | undefined {
    const entry = this.fetchEntry(key, windowStartTime);
    return entry === undefined ? undefined : { value: entry.value, timestamp: entry.timestamp };
  }

  /**
   * @internal As fetchWithTimestamp without a copy: the store's own entry, valid until the next write. The
   * windowed aggregations read the old aggregate through it before they put the new one.
   */
  peekWithTimestamp(key: K, windowStartTime: number): ValueAndTimestamp<V> | undefined {
    return this.fetchEntry(key, windowStartTime);
  }

  private fetchEntry(key: K, windowStart: number): WindowEntry<K, V> | undefined {
    this.removeExpiredSegments();
    if (windowStart <= this.observedStreamTime - this.retentionPeriod) return undefined;
    // Java's store keys duplicates by key and sequence number, so a point lookup never finds them.
    if (this.retainDuplicates) return undefined;
    const segment = this.segmentAt(windowStart);
    return segment === undefined ? undefined : segment.byKey.get(this.mapKeyOf(key));
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
    const windows = this.keyWindows().get(this.mapKeyOf(key));
    if (windows === undefined) return result;
    const heads = windows.heads;
    for (let i = firstHeadFrom(heads, windows.first, minTime); i < heads.length; i++) {
      const head = heads[i]!;
      if (head.windowStart > timeTo) break;
      for (let entry: WindowEntry<K, V> | undefined = head; entry !== undefined; entry = entry.next)
        result.push({ key: head.windowStart, value: entry.value });
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
    // One key (what windowed aggregations ask for): that key's windows only, no scan.
    if (keyFrom !== undefined && keyFrom === keyTo && typeof keyFrom !== 'object') {
      const result: KeyValue<Windowed<K>, R>[] = [];
      const windows = this.keyWindows().get(this.mapKeyOf(keyFrom));
      if (windows === undefined) return result;
      const windowSize = this.windowSize;
      const heads = windows.heads;
      for (let i = firstHeadFrom(heads, windows.first, minTime); i < heads.length; i++) {
        const head = heads[i]!;
        const start = head.windowStart;
        if (start > timeTo) break;
        for (let entry: WindowEntry<K, V> | undefined = head; entry !== undefined; entry = entry.next)
          result.push({ key: { key: entry.key, window: { start, end: start + windowSize } }, value: read(entry) });
      }
      if (backward) result.reverse();
      return result;
    }
    const lower = keyFrom === undefined ? undefined : { key: keyFrom, keyBytes: this.serializeKey(keyFrom) };
    const upper = keyTo === undefined ? undefined : { key: keyTo, keyBytes: this.serializeKey(keyTo) };
    if (lower !== undefined && upper !== undefined && Buffer.compare(lower.keyBytes, upper.keyBytes) > 0) return [];
    return this.collect(this.segmentsBetween(minTime, timeTo), lower, upper, backward, read);
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
      this.segmentsBetween(this.minLiveTime(Number.MIN_SAFE_INTEGER), Infinity),
      undefined,
      undefined,
      false,
      plainValueOf,
    );
  }

  backwardAll(): KeyValue<Windowed<K>, V>[] {
    this.removeExpiredSegments();
    return this.collect(
      this.segmentsBetween(this.minLiveTime(Number.MIN_SAFE_INTEGER), Infinity),
      undefined,
      undefined,
      true,
      plainValueOf,
    );
  }

  /** The entries of the given windows with keys in `[lower, upper]`: by window start, then key bytes and sequence. */
  private collect<R>(
    segments: readonly Segment<K, V>[],
    lower: { key: K; keyBytes: Buffer } | undefined,
    upper: { key: K; keyBytes: Buffer } | undefined,
    backward: boolean,
    read: (entry: WindowEntry<K, V>) => R,
  ): KeyValue<Windowed<K>, R>[] {
    const result: KeyValue<Windowed<K>, R>[] = [];
    const windowSize = this.windowSize;
    const order = this.keyOrder;
    for (const segment of segments) {
      const sorted = this.sortedHeads(segment);
      const start = segment.start;
      const end = start + windowSize;
      for (let i = lower === undefined ? 0 : this.firstAtOrAfter(sorted, lower); i < sorted.length; i++) {
        const head = sorted[i]!;
        if (upper !== undefined && order(head, upper) > 0) break;
        for (let entry: WindowEntry<K, V> | undefined = head; entry !== undefined; entry = entry.next)
          result.push({ key: { key: entry.key, window: { start, end } }, value: read(entry) });
      }
    }
    if (backward) result.reverse();
    return result;
  }

  /** Number of values held (every duplicate counts). */
  approximateNumEntries(): number {
    let count = 0;
    for (const segment of this.liveSegments())
      for (const head of segment.byKey.values())
        for (let e: WindowEntry<K, V> | undefined = head; e; e = e.next) count++;
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
    this.segmentList.length = 0;
    this.liveFrom = 0;
    this.keyIndex = undefined;
    this.pending.length = 0;
  }
}

/** The index of the first window (at or after `from`) starting at or after `start` (the list is by start ascending). */
function firstSegmentFrom(list: readonly Segment<unknown, unknown>[], from: number, start: number): number {
  let low = from;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid]!.start < start) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The index of the first head (at or after `from`) of a window starting at or after `start`. */
function firstHeadFrom(heads: readonly WindowEntry<unknown, unknown>[], from: number, start: number): number {
  let low = from;
  let high = heads.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (heads[mid]!.windowStart < start) low = mid + 1;
    else high = mid;
  }
  return low;
}
