import {
  type ClusterMetadata,
  type Connection,
  FetchIsolationLevels,
  ListOffsetTimestamps,
  listOffsetsV9,
} from '@platformatic/kafka';
import {
  ConfigError,
  type ConsumedRecord,
  type FetchedBatch,
  type Fetcher,
  type FetcherOptions,
  KafkaBackendError,
  type TopicPartition,
  topicPartitionKey,
} from '../backend.ts';
import { ClusterClient, delay, sendAllowingErrors } from './cluster-client.ts';
import type { ResolvedConfig } from './config.ts';
import { partitionError, toBackendError } from './errors.ts';
import { type FetchedPartitionData, type FetchResponse, fetchApi } from './fetch-v17.ts';
import { type BatchHeader, decodeRecords, isCommitMarker, readBatchHeaders } from './record-batch.ts';

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to return; undefined until reset to earliest/latest. */
  position: number | undefined;
  reset: 'earliest' | 'latest';
  paused: boolean;
  /** Bumped by seek / re-assignment, so a fetch started before it cannot move the position. */
  version: number;
}

/** What one fetch brought for one partition, applied when a poll returns it. */
interface FetchResult {
  readonly state: PartitionState;
  readonly version: number;
  readonly fromOffset: number;
  readonly nextOffset: number;
  readonly batch?: FetchedBatch;
  /** OFFSET_OUT_OF_RANGE: reset per autoOffsetReset. */
  readonly resetPosition?: boolean;
}

/** Errors after which the partition's leader must be looked up again. */
const STALE_LEADER = new Set([3, 5, 6, 9, 74, 75, 100]);
const OFFSET_OUT_OF_RANGE = 1;

/**
 * Fetches from explicitly assigned partitions with positions owned here (no group, no client-side
 * consumer): one Fetch request per leader per poll, sessionless, raw record bytes decoded lazily and only
 * from the position on. Under read_committed, aborted transactions are dropped with the response's
 * aborted-transaction list, and control batches are never returned.
 */
export class PlatformaticFetcher implements Fetcher {
  readonly #client: ClusterClient;
  readonly #readCommitted: boolean;
  readonly #autoOffsetReset: 'earliest' | 'latest';
  readonly #maxWaitMs: number;
  readonly #minBytes: number;
  readonly #maxBytes: number;
  readonly #maxPartitionBytes: number;
  readonly #partitions = new Map<string, PartitionState>();
  #needsMetadata = false;
  #closed = false;
  #polling: Promise<unknown> = Promise.resolve();
  #wake: (() => void) | undefined;
  /** One fetch in flight per leader; it may outlive the poll that started it (see #poll). */
  readonly #inflight = new Map<number, Promise<void>>();
  /** Partitions in an in-flight or completed-but-undrained fetch: not fetched again until drained. */
  readonly #fetching = new Set<string>();
  /** Results of completed fetches, applied to positions only when a poll returns them. */
  #completed: FetchResult[] = [];
  #fetchError: unknown;
  #signal: (() => void) | undefined;

  constructor(config: ResolvedConfig, options: FetcherOptions = {}) {
    this.#client = new ClusterClient(config, options.clientId ?? `${config.clientId}-fetcher`);
    this.#readCommitted = options.isolationLevel === 'read_committed';
    this.#autoOffsetReset = options.autoOffsetReset ?? 'earliest';
    this.#maxWaitMs = nonNegative('maxWaitMs', options.maxWaitMs, 500);
    this.#minBytes = nonNegative('minBytes', options.minBytes, 1);
    this.#maxBytes = nonNegative('maxBytes', options.maxBytes, 50 * 1024 * 1024);
    this.#maxPartitionBytes = nonNegative('maxPartitionBytes', options.maxPartitionBytes, 1024 * 1024);
  }

  assign(partitions: readonly TopicPartition[]): void {
    const next = new Map<string, PartitionState>();
    for (const tp of partitions) {
      const key = topicPartitionKey(tp);
      next.set(
        key,
        this.#partitions.get(key) ?? {
          topic: tp.topic,
          partition: tp.partition,
          position: undefined,
          reset: this.#autoOffsetReset,
          paused: false,
          version: 0,
        },
      );
    }
    for (const [key, state] of this.#partitions) if (!next.has(key)) state.version++;
    this.#partitions.clear();
    for (const [key, state] of next) this.#partitions.set(key, state);
    this.#wake?.();
  }

  assignment(): TopicPartition[] {
    return [...this.#partitions.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  #state(tp: TopicPartition, action: string): PartitionState {
    const state = this.#partitions.get(topicPartitionKey(tp));
    if (!state)
      throw new KafkaBackendError(`cannot ${action} "${tp.topic}" partition ${tp.partition}: it is not assigned`);
    return state;
  }

  seek(tp: TopicPartition, offset: number | 'earliest' | 'latest'): void {
    const state = this.#state(tp, 'seek');
    state.version++;
    if (typeof offset === 'number') {
      if (!Number.isInteger(offset) || offset < 0) {
        throw new KafkaBackendError(`cannot seek "${tp.topic}" partition ${tp.partition} to ${offset}`);
      }
      state.position = offset;
    } else {
      state.position = undefined;
      state.reset = offset;
    }
  }

  position(tp: TopicPartition): number | undefined {
    return this.#state(tp, 'read the position of').position;
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#state(tp, 'pause').paused = true;
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#state(tp, 'resume').paused = false;
    this.#wake?.();
  }

  paused(): TopicPartition[] {
    return [...this.#partitions.values()].filter((s) => s.paused).map(({ topic, partition }) => ({ topic, partition }));
  }

  /** A poll in flight when close() is called resolves (with what it has); a poll after close() rejects. */
  poll(maxWaitMs: number = this.#maxWaitMs): Promise<FetchedBatch[]> {
    if (this.#closed) return Promise.reject(new KafkaBackendError('cannot poll: the fetcher is closed'));
    // Overlapping polls would fetch the same positions twice: each waits for the one before it.
    const result = this.#polling.then(() => this.#poll(maxWaitMs));
    this.#polling = result.catch(() => undefined);
    return result;
  }

  async #poll(maxWaitMs: number): Promise<FetchedBatch[]> {
    if (this.#closed) return [];
    const buffered = this.#drain();
    if (buffered.length > 0) return buffered;
    const active = [...this.#partitions.values()].filter((s) => !s.paused);
    if (active.length === 0) {
      await this.#sleep(maxWaitMs);
      return [];
    }
    const topics = [...new Set(active.map((s) => s.topic))];
    let metadata = await this.#client.metadata(topics, this.#needsMetadata);
    this.#needsMetadata = false;
    // Partitions may have been added since the cached metadata was read.
    if (active.some((s) => s.partition >= (metadata.topics.get(s.topic)?.partitionsCount ?? 0))) {
      metadata = await this.#client.metadata(topics, true);
    }
    for (const s of active) {
      const count = metadata.topics.get(s.topic)?.partitionsCount ?? 0;
      if (s.partition >= count) {
        throw new KafkaBackendError(
          `topic "${s.topic}" has ${count} partitions; cannot fetch partition ${s.partition}`,
        );
      }
    }
    const unresolved = active.filter((s) => s.position === undefined);
    if (unresolved.length > 0) await this.#resolvePositions(unresolved, metadata);

    const byLeader = new Map<number, PartitionState[]>();
    for (const s of active) {
      if (s.position === undefined || this.#fetching.has(topicPartitionKey(s))) continue;
      const leader = metadata.topics.get(s.topic)?.partitions[s.partition]?.leader ?? -1;
      if (leader < 0) {
        this.#needsMetadata = true;
        continue;
      }
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), s]);
    }
    for (const [leader, states] of byLeader) {
      if (this.#inflight.has(leader)) continue;
      for (const s of states) this.#fetching.add(topicPartitionKey(s));
      const fetch = this.#fetchFrom(leader, states, metadata, maxWaitMs)
        .then(
          (results) => {
            this.#completed.push(...results);
            // Partitions the fetch brought nothing back for (a failed request) may be fetched again at once.
            const answered = new Set(results.map((r) => topicPartitionKey(r.state)));
            for (const s of states)
              if (!answered.has(topicPartitionKey(s))) this.#fetching.delete(topicPartitionKey(s));
          },
          (error: unknown) => {
            for (const s of states) this.#fetching.delete(topicPartitionKey(s));
            this.#fetchError ??= error;
          },
        )
        .finally(() => {
          this.#inflight.delete(leader);
          this.#signal?.();
        });
      this.#inflight.set(leader, fetch);
    }
    if (this.#inflight.size === 0) {
      await this.#sleep(Math.min(maxWaitMs, 100));
      return this.#drain();
    }
    // Return as soon as any leader answered with records; slower leaders' fetches stay in flight and their
    // results are returned by a later poll, so one idle broker does not delay another's data by maxWaitMs.
    const deadline = Date.now() + Math.max(0, maxWaitMs) + this.#client.config.connectTimeoutMs + 1_000;
    for (;;) {
      const ready = this.#drain();
      if (ready.length > 0 || this.#inflight.size === 0 || this.#closed) return ready;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return ready;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        // A completed fetch ends the wait, and so do close(), resume() and assign().
        this.#signal = done;
        this.#wake = done;
      });
      this.#signal = undefined;
      this.#wake = undefined;
    }
  }

  /** Applies completed fetches whose partition is still where the fetch started, and returns their records. */
  #drain(): FetchedBatch[] {
    if (this.#fetchError !== undefined) {
      const error = this.#fetchError;
      this.#fetchError = undefined;
      throw error;
    }
    const out: FetchedBatch[] = [];
    const completed = this.#completed;
    this.#completed = [];
    for (const result of completed) {
      const { state } = result;
      this.#fetching.delete(topicPartitionKey(state));
      // Seeked, re-assigned or paused since the fetch started: the result no longer matches the position.
      if (
        state.version !== result.version ||
        state.position !== result.fromOffset ||
        state.paused ||
        this.#partitions.get(topicPartitionKey(state)) !== state
      ) {
        continue;
      }
      if (result.resetPosition) {
        state.position = undefined;
        state.reset = this.#autoOffsetReset;
        continue;
      }
      state.position = result.nextOffset;
      if (result.batch) out.push(result.batch);
    }
    return out;
  }

  async #fetchFrom(
    leader: number,
    states: PartitionState[],
    metadata: ClusterMetadata,
    maxWaitMs: number,
  ): Promise<FetchResult[]> {
    const requested = states.map((s) => ({ state: s, offset: s.position as number, version: s.version }));
    const byTopic = new Map<string, typeof requested>();
    for (const r of requested) byTopic.set(r.state.topic, [...(byTopic.get(r.state.topic) ?? []), r]);
    const idToTopic = new Map<string, string>();
    const topics = [...byTopic].map(([topic, list]) => {
      const id = metadata.topics.get(topic)?.id as string;
      idToTopic.set(id, topic);
      return {
        topicId: id,
        partitions: list.map((r) => ({
          partition: r.state.partition,
          currentLeaderEpoch: -1,
          fetchOffset: BigInt(r.offset),
          lastFetchedEpoch: -1,
          partitionMaxBytes: this.#maxPartitionBytes,
        })),
      };
    });
    let response: FetchResponse;
    try {
      const fetching = this.#client
        .connectionTo(metadata, leader)
        .then((connection: Connection) =>
          sendAllowingErrors(
            fetchApi,
            connection,
            Math.max(0, Math.floor(maxWaitMs)),
            this.#minBytes,
            this.#maxBytes,
            this.#readCommitted ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED,
            0,
            -1,
            topics,
            [],
            '',
          ),
        );
      fetching.catch(() => undefined);
      // A broker that stopped answering (or a connection attempt that never settles) must not hold these
      // partitions: past the bound they are fetched again, from the current leader.
      const bound = Math.max(0, maxWaitMs) + this.#client.config.connectTimeoutMs + 1_000;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no fetch response from broker ${leader} within ${bound} ms`)),
          bound,
        );
      });
      try {
        response = await Promise.race([fetching, timeout]);
      } finally {
        clearTimeout(timer);
      }
    } catch {
      if (this.#closed) return [];
      // The leader is gone or moving (e.g. a broker died): look it up again next poll, keep the others going.
      this.#needsMetadata = true;
      this.#client.base.clearMetadata();
      await delay(Math.min(maxWaitMs, 200));
      return [];
    }
    if (this.#closed) return [];
    const out: FetchResult[] = [];
    for (const topicData of response.responses) {
      const topic = idToTopic.get(topicData.topicId);
      if (topic === undefined) continue;
      for (const data of topicData.partitions) {
        const r = byTopic.get(topic)?.find((x) => x.state.partition === data.partitionIndex);
        if (!r) continue;
        const result = this.#consume(r.state, r.offset, r.version, data);
        if (result) out.push(result);
      }
    }
    return out;
  }

  /** Decodes one partition's fetch result; positions move only when a poll returns it (#drain). */
  #consume(state: PartitionState, offset: number, version: number, data: FetchedPartitionData): FetchResult {
    const unchanged: FetchResult = { state, version, fromOffset: offset, nextOffset: offset };
    // Seeked, re-assigned or paused while the fetch was in flight: the data no longer matches the position.
    if (state.version !== version || state.paused || this.#partitions.get(topicPartitionKey(state)) !== state) {
      return unchanged;
    }
    if (data.errorCode !== 0) {
      if (data.errorCode === OFFSET_OUT_OF_RANGE) {
        return { ...unchanged, resetPosition: true };
      }
      if (STALE_LEADER.has(data.errorCode)) {
        this.#needsMetadata = true;
      } else {
        throw toBackendError(
          partitionError(data.errorCode, state),
          this.#client.context(`fetching "${state.topic}"`, [state.topic]),
        );
      }
      return unchanged;
    }
    const highWatermark = this.#readCommitted ? data.lastStableOffset : data.highWatermark;
    if (!data.records) return unchanged;
    const records: ConsumedRecord[] = [];
    let next = offset;
    const aborted = this.#readCommitted
      ? [...data.abortedTransactions].sort((a, b) => a.firstOffset - b.firstOffset)
      : [];
    const abortedProducers = new Set<bigint>();
    for (const segment of data.records) {
      for (const header of readBatchHeaders(segment)) {
        if (header.lastOffset < offset) continue;
        while (aborted.length > 0 && aborted[0].firstOffset <= header.lastOffset) {
          abortedProducers.add((aborted.shift() as { producerId: bigint }).producerId);
        }
        if (!this.#skip(segment, header, abortedProducers)) decodeRecords(segment, header, offset, records);
        next = header.lastOffset + 1;
      }
    }
    const batch =
      records.length > 0 ? { topic: state.topic, partition: state.partition, records, highWatermark } : undefined;
    return { state, version, fromOffset: offset, nextOffset: next, batch };
  }

  #skip(buf: Buffer, header: BatchHeader, abortedProducers: Set<bigint>): boolean {
    if (header.isControl) {
      if (this.#readCommitted && !isCommitMarker(buf, header)) abortedProducers.delete(header.producerId);
      return true;
    }
    return this.#readCommitted && header.isTransactional && abortedProducers.has(header.producerId);
  }

  async #resolvePositions(states: PartitionState[], metadata: ClusterMetadata): Promise<void> {
    const byLeader = new Map<number, PartitionState[]>();
    for (const s of states) {
      const leader = metadata.topics.get(s.topic)?.partitions[s.partition]?.leader ?? -1;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), s]);
    }
    await Promise.all(
      [...byLeader].map(async ([leader, list]) => {
        const versions = list.map((s) => s.version);
        const byTopic = new Map<string, PartitionState[]>();
        for (const s of list) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s]);
        try {
          const connection = await this.#client.connectionTo(metadata, leader);
          const response = await sendAllowingErrors(
            listOffsetsV9.api,
            connection,
            -1,
            this.#readCommitted ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED,
            [...byTopic].map(([name, ss]) => ({
              name,
              partitions: ss.map((s) => ({
                partitionIndex: s.partition,
                currentLeaderEpoch: -1,
                timestamp: s.reset === 'earliest' ? ListOffsetTimestamps.EARLIEST : ListOffsetTimestamps.LATEST,
              })),
            })),
          );
          for (const t of response.topics) {
            for (const p of t.partitions) {
              const index = list.findIndex((s) => s.topic === t.name && s.partition === p.partitionIndex);
              const s = list[index];
              if (!s || s.version !== versions[index] || s.position !== undefined) continue;
              if (p.errorCode === 0) s.position = Number(p.offset);
              else this.#needsMetadata = true;
            }
          }
        } catch {
          this.#needsMetadata = true;
          this.#client.base.clearMetadata();
        }
      }),
    );
  }

  /** Waits up to `ms`, cut short by close(), resume() or assign(). */
  #sleep(ms: number): Promise<void> {
    if (this.#closed || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake?.();
    this.#wake = undefined;
    await this.#client.close();
  }
}

function nonNegative(key: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(key, `fetcher option must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return value;
}
