/**
 * The in-memory session store (Java's `InMemorySessionStore` wrapped in its change-logging layer): one
 * aggregate per key and session `[start, end]`, kept while the session's end is within the retention period of
 * the largest session end seen (Java's observed stream time). Sessions are kept typed; keys are compared by
 * their serialized bytes, as in Java. Every put and remove is remembered until the next flush, when the latest
 * change of each session goes to the changelog (compact,delete), keyed as Java's `SessionKeySchema`
 * (`[key][end 8][start 8]`), with the aggregate serialized as value and the timestamp of the record being
 * processed (as Java's `ChangeLoggingSessionBytesStore`).
 */

import { Windowed } from '../dsl/windowed.ts';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { resolveSerde } from '../processor/internals/serde-resolution.ts';
import type { RecordCollector, RestoreRecord } from '../processor/internals/task-contract.ts';
import { LastSerializedKey } from './internals/last-serialized-key.ts';
import {
  extractSessionEnd,
  extractSessionKeyBytes,
  extractSessionStart,
  sessionKeyToBinary,
} from './internals/session-key-schema.ts';
import type { ManagedStore, StoreInitContext } from './internals/store-init-context.ts';
import type { KeyValue } from './key-value-store.ts';
import type { SessionStore } from './session-store.ts';

interface SessionEntry<K, AGG> {
  readonly key: K;
  readonly keyBytes: Buffer;
  /** latin1 of the serialized key: sessions of equal key bytes share one per-key map. */
  readonly keyId: string;
  /** latin1 of the binary session key: unique per key and session. */
  readonly id: string;
  readonly start: number;
  readonly end: number;
  value: AGG;
}

/** A change not yet written to the changelog; a null value logs a tombstone. */
interface PendingChange<AGG> {
  binaryKey: Buffer;
  value: AGG | null;
  timestamp: number;
}

/** Sessions by end time, earliest first, so that expiry looks only at the sessions it drops. */
class EndTimeHeap {
  private readonly ends: number[] = [];
  private readonly ids: string[] = [];

  get size(): number {
    return this.ends.length;
  }

  peekEnd(): number {
    return this.ends[0]!;
  }

  push(end: number, id: string): void {
    const ends = this.ends;
    const ids = this.ids;
    let i = ends.length;
    ends.push(end);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (ends[parent]! <= end) break;
      ends[i] = ends[parent]!;
      ids[i] = ids[parent]!;
      i = parent;
    }
    ends[i] = end;
    ids[i] = id;
  }

  /** Removes and returns the id of the earliest-ending session. */
  pop(): string {
    const ends = this.ends;
    const ids = this.ids;
    const top = ids[0]!;
    const lastEnd = ends.pop()!;
    const lastId = ids.pop()!;
    const n = ends.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && ends[right]! < ends[left]! ? right : left;
        if (ends[child]! >= lastEnd) break;
        ends[i] = ends[child]!;
        ids[i] = ids[child]!;
        i = child;
      }
      ends[i] = lastEnd;
      ids[i] = lastId;
    }
    return top;
  }

  clear(): void {
    this.ends.length = 0;
    this.ids.length = 0;
  }
}

function bySessionEndThenStart(a: SessionEntry<unknown, unknown>, b: SessionEntry<unknown, unknown>): number {
  return a.end - b.end || a.start - b.start;
}

export class InMemorySessionStore<K, AGG> implements SessionStore<K, AGG>, ManagedStore {
  readonly name: string;
  readonly persistent = false;
  /** How long (ms) a session is kept after its end, measured against the largest session end seen. */
  readonly retentionPeriod: number;
  private readonly explicitKeySerde: SerdeLike<K> | undefined;
  private readonly explicitValueSerde: SerdeLike<AGG> | undefined;
  private keySerde!: SerdeLike<K>;
  private valueSerde!: SerdeLike<AGG>;
  private readonly sessions = new Map<string, SessionEntry<K, AGG>>();
  private readonly byKey = new Map<string, Map<string, SessionEntry<K, AGG>>>();
  private readonly expiry = new EndTimeHeap();
  private readonly pending = new Map<string, PendingChange<AGG>>();
  private observedStreamTime = -1;
  private context: StoreInitContext | undefined;
  private collector: RecordCollector | undefined;
  private open = false;
  changelogTopic: string | undefined;

  constructor(name: string, retentionPeriod: number, keySerde?: SerdeLike<K>, valueSerde?: SerdeLike<AGG>) {
    if (!Number.isSafeInteger(retentionPeriod) || retentionPeriod < 0) {
      throw new RangeError(
        `session store "${name}": the retention period must be a non-negative integer of ms, got ${retentionPeriod}`,
      );
    }
    this.name = name;
    this.retentionPeriod = retentionPeriod;
    this.explicitKeySerde = keySerde;
    this.explicitValueSerde = valueSerde;
  }

  init(context: StoreInitContext): void {
    const where = `store "${this.name}"`;
    const fix = 'pass Materialized.with(keySerde, valueSerde) (or the store builder serdes)';
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

  private readonly lastKey = new LastSerializedKey();

  private serializeKey(key: K): Buffer {
    return this.lastKey.serialize(key, this.keySerde, this.changelogTopic ?? this.name, 'session store', this.name);
  }

  /** Drops the sessions that ended before the retention period (Java's removeExpiredSegments). */
  private removeExpired(): void {
    const minLiveTime = Math.max(0, this.observedStreamTime - this.retentionPeriod + 1);
    const expiry = this.expiry;
    while (expiry.size > 0 && expiry.peekEnd() < minLiveTime) {
      const entry = this.sessions.get(expiry.pop());
      if (entry !== undefined) this.unlink(entry);
    }
  }

  private unlink(entry: SessionEntry<K, AGG>): void {
    this.sessions.delete(entry.id);
    const ofKey = this.byKey.get(entry.keyId);
    if (ofKey === undefined) return;
    ofKey.delete(entry.id);
    if (ofKey.size === 0) this.byKey.delete(entry.keyId);
  }

  /** Applies a put to memory: the changelog side is the caller's. */
  private apply(
    key: K | undefined,
    keyBytes: Buffer,
    binaryKey: Buffer,
    start: number,
    end: number,
    value: AGG | null,
  ) {
    this.removeExpired();
    if (end > this.observedStreamTime) this.observedStreamTime = end;
    // Java skips (and only logs) a put for a session already beyond retention.
    if (end <= this.observedStreamTime - this.retentionPeriod) return;
    const id = binaryKey.toString('latin1');
    const existing = this.sessions.get(id);
    if (value === null) {
      if (existing !== undefined) this.unlink(existing);
      return;
    }
    if (existing !== undefined) {
      existing.value = value;
      return;
    }
    const keyId = keyBytes.toString('latin1');
    const entry: SessionEntry<K, AGG> = { key: key as K, keyBytes, keyId, id, start, end, value };
    this.sessions.set(id, entry);
    let ofKey = this.byKey.get(keyId);
    if (ofKey === undefined) {
      ofKey = new Map();
      this.byKey.set(keyId, ofKey);
    }
    ofKey.set(id, entry);
    this.expiry.push(end, id);
  }

  put(sessionKey: Windowed<K>, aggregate: AGG | null | undefined): void {
    const { start, end } = sessionKey.window;
    const keyBytes = this.serializeKey(sessionKey.key);
    const binaryKey = sessionKeyToBinary(keyBytes, start, end);
    const value = aggregate === undefined ? null : aggregate;
    this.apply(sessionKey.key, keyBytes, binaryKey, start, end, value);
    if (this.collector !== undefined) {
      const timestamp = this.context!.currentTimestamp();
      const id = binaryKey.toString('latin1');
      const change = this.pending.get(id);
      if (change === undefined) this.pending.set(id, { binaryKey, value, timestamp });
      else {
        change.value = value;
        change.timestamp = timestamp;
      }
    }
  }

  remove(sessionKey: Windowed<K>): void {
    // Java's remove neither advances observed stream time nor checks retention: it just deletes.
    const { start, end } = sessionKey.window;
    const keyBytes = this.serializeKey(sessionKey.key);
    const binaryKey = sessionKeyToBinary(keyBytes, start, end);
    const id = binaryKey.toString('latin1');
    const existing = this.sessions.get(id);
    if (existing !== undefined) this.unlink(existing);
    if (this.collector !== undefined) {
      const timestamp = this.context!.currentTimestamp();
      const change = this.pending.get(id);
      if (change === undefined) this.pending.set(id, { binaryKey, value: null, timestamp });
      else {
        change.value = null;
        change.timestamp = timestamp;
      }
    }
  }

  private selected(key: K, earliestEnd: number, latestStart: number, backward: boolean): KeyValue<Windowed<K>, AGG>[] {
    this.removeExpired();
    const ofKey = this.byKey.get(this.serializeKey(key).toString('latin1'));
    if (ofKey === undefined) return [];
    const found: SessionEntry<K, AGG>[] = [];
    for (const entry of ofKey.values()) {
      if (entry.end >= earliestEnd && entry.start <= latestStart) found.push(entry);
    }
    found.sort(bySessionEndThenStart);
    if (backward) found.reverse();
    return found.map((entry) => ({ key: Windowed.of(entry.key, entry), value: entry.value }));
  }

  findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): KeyValue<Windowed<K>, AGG>[] {
    return this.selected(key, earliestSessionEndTime, latestSessionStartTime, false);
  }

  backwardFindSessions(
    key: K,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): KeyValue<Windowed<K>, AGG>[] {
    return this.selected(key, earliestSessionEndTime, latestSessionStartTime, true);
  }

  fetchSession(key: K, sessionStartTime: number, sessionEndTime: number): AGG | undefined {
    this.removeExpired();
    const binaryKey = sessionKeyToBinary(this.serializeKey(key), sessionStartTime, sessionEndTime);
    return this.sessions.get(binaryKey.toString('latin1'))?.value;
  }

  fetch(key: K): KeyValue<Windowed<K>, AGG>[] {
    return this.selected(key, 0, Number.MAX_SAFE_INTEGER, false);
  }

  backwardFetch(key: K): KeyValue<Windowed<K>, AGG>[] {
    return this.selected(key, 0, Number.MAX_SAFE_INTEGER, true);
  }

  /** Number of sessions held (after dropping expired ones). */
  approximateNumEntries(): number {
    this.removeExpired();
    return this.sessions.size;
  }

  restoreBatch(records: readonly RestoreRecord[]): void {
    const topic = this.changelogTopic ?? this.name;
    for (const record of records) {
      if (record.key === null) continue;
      // A copy: the fetched key is a view into a whole fetch response, which a kept view would pin in memory.
      const binaryKey = Buffer.from(record.key);
      const keyBytes = extractSessionKeyBytes(binaryKey);
      const start = extractSessionStart(binaryKey);
      const end = extractSessionEnd(binaryKey);
      if (record.value === null) {
        this.apply(undefined, keyBytes, binaryKey, start, end, null);
        continue;
      }
      const key = this.keySerde.deserializer(topic, keyBytes);
      this.apply(key, keyBytes, binaryKey, start, end, this.valueSerde.deserializer(topic, record.value));
    }
  }

  flush(): void {
    const collector = this.collector;
    if (collector === undefined || this.pending.size === 0) return;
    const topic = this.changelogTopic!;
    const partition = this.context!.partition;
    for (const change of this.pending.values()) {
      collector.send({
        topic,
        partition,
        key: change.binaryKey,
        value: change.value === null ? null : this.valueSerde.serializer(topic, change.value),
        timestamp: change.timestamp,
        headers: [],
      });
    }
    this.pending.clear();
  }

  close(): void {
    this.open = false;
    this.sessions.clear();
    this.byKey.clear();
    this.expiry.clear();
    this.pending.clear();
  }
}
