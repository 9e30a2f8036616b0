import {
  addOffsetsToTxnV4,
  addPartitionsToTxnV3,
  type ClusterMetadata,
  type Connection,
  endTxnV4,
  initProducerIdV5,
  txnOffsetCommitV4,
} from '@platformatic/kafka';
import {
  FencedError,
  type GroupGeneration,
  KafkaBackendError,
  type Producer,
  type ProducerBatch,
  type ProducerOptions,
  type ProducerRecord,
  type RecordMetadata,
  type SendOptions,
  type TopicPartition,
  type TopicPartitionOffset,
  topicPartitionKey,
} from '../backend.ts';
import { ClusterClient, delay, graceDelay, isRetriable, quoteAll, sendAllowingErrors } from './cluster-client.ts';
import type { ResolvedConfig } from './config.ts';
import { hasProtocolError, isGenerationLost, partitionError, toBackendError } from './errors.ts';
import { offsetCommitTopics } from './offset-commit-topics.ts';
import { type PartitionBatch, type ProduceResponse, produceApi } from './produce-v11.ts';
import { PlatformaticProducerBatch } from './producer-batch.ts';
import {
  type Compression,
  encodeRecordBatch,
  estimateRecordSize,
  finishRecordBatch,
  type RecordBatchBuilder,
} from './record-batch.ts';

/** Below the broker's default message.max.bytes (1 MiB) with room for batch and request overhead. */
const MAX_BATCH_BYTES = 900 * 1024;
const INT32_MAX = 2 ** 31 - 1;
const CLOSE_GRACE_MS = 10_000;
const NO_INDICES: readonly number[] = Object.freeze([]);

/** Produce errors after which resending the same batch (same sequence numbers) is safe and may succeed. */
const RETRIABLE_PRODUCE = [
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'REQUEST_TIMED_OUT',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'NETWORK_EXCEPTION',
  'KAFKA_STORAGE_ERROR',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  // An earlier batch of the same partition is still being retried; ours fits once it lands.
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
];

/** One encoded batch: a run of one send's records for one partition, with its own sequence numbers. */
interface Chunk {
  readonly topic: string;
  readonly partition: number;
  /** Indices of the chunk's records in send()'s array (for their metadata); empty for sendBatch(). */
  readonly indices: readonly number[];
  readonly batch: Buffer;
}

interface TransactionState {
  readonly partitions: Set<string>;
  offsetsAdded: boolean;
  failure: Error | undefined;
}

/**
 * A producer over our own Produce / InitProducerId / transaction requests, so that batching, sequence
 * numbers, fencing and EOS v2 offset commits are exactly what the seam promises:
 * - one send() becomes one Produce request per leader (more only when a partition's data passes ~900 KiB);
 * - idempotent by default: one producer id, per-partition sequences assigned in send() order;
 * - transactional when `transactionalId` is set: InitProducerId at creation fences older instances, and
 *   sendOffsetsToTransaction sends every offset in one TxnOffsetCommit carrying the group generation.
 */
export class PlatformaticProducer implements Producer {
  readonly #client: ClusterClient;
  readonly #transactionalId: string | null;
  readonly #idempotent: boolean;
  readonly #acks: number;
  readonly #compression: Compression;
  readonly #transactionTimeoutMs: number;
  readonly #deliveryTimeoutMs: number;
  #producerId = -1n;
  #producerEpoch = -1;
  readonly #sequences = new Map<string, number>();
  /** How large each partition's last appended batch grew (see PlatformaticProducerBatch). */
  readonly #batchSizeHints = new Map<string, number>();
  #transaction: TransactionState | undefined;
  #transactionCoordinator: number | undefined;
  /** Group coordinators of sendOffsetsToTransaction, looked up once per group (again after an error). */
  readonly #groupCoordinators = new Map<string, number>();
  /** Serializes the part of send() that assigns sequences and writes requests, so order = call order. */
  #dispatchChain: Promise<unknown> = Promise.resolve();
  readonly #inflight = new Set<Promise<unknown>>();
  #fenced: FencedError | undefined;
  /**
   * Set when the broker refused a batch for good (e.g. a keyless record on a compacted topic): its sequence
   * numbers were used up without being written, so the partition's sequence must restart under a new
   * producer id (idempotent) or a bumped epoch after the abort (transactional), as KIP-360 does.
   */
  #sequenceBroken = false;
  #resetting: Promise<void> | undefined;
  #closed = false;

  private constructor(config: ResolvedConfig, options: ProducerOptions) {
    this.#transactionalId = options.transactionalId ?? null;
    this.#idempotent = this.#transactionalId !== null || options.idempotent !== false;
    const acks = options.acks ?? 'all';
    this.#acks = this.#idempotent || acks === 'all' ? -1 : acks;
    this.#compression = options.compression ?? 'none';
    this.#transactionTimeoutMs = options.transactionTimeoutMs ?? 60_000;
    this.#deliveryTimeoutMs = Math.max(config.requestTimeoutMs * 2, 60_000);
    this.#client = new ClusterClient(config, options.clientId ?? config.clientId);
  }

  static async create(config: ResolvedConfig, options: ProducerOptions = {}): Promise<PlatformaticProducer> {
    if (
      options.transactionalId !== undefined &&
      (typeof options.transactionalId !== 'string' || !options.transactionalId)
    ) {
      throw new KafkaBackendError(`producer option "transactionalId" must be a non-empty string`);
    }
    if (options.idempotent === false && options.transactionalId) {
      throw new KafkaBackendError(`producer "${options.transactionalId}": a transactional producer must be idempotent`);
    }
    const producer = new PlatformaticProducer(config, options);
    try {
      if (producer.#idempotent) await producer.#initProducerId();
    } catch (error) {
      await producer.#client.close();
      throw error;
    }
    return producer;
  }

  get #name(): string {
    return this.#transactionalId ? `producer "${this.#transactionalId}"` : 'producer';
  }

  async #initProducerId(bumpEpoch = false): Promise<void> {
    const action = `${this.#name}: InitProducerId`;
    try {
      const response = await this.#client.withRetry(
        action,
        async (attempt) => {
          const connection = this.#transactionalId
            ? await this.#coordinatorConnection()
            : await this.#client.bootstrapConnection(attempt);
          try {
            return await initProducerIdV5.api.async(
              connection,
              this.#transactionalId,
              this.#transactionTimeoutMs,
              bumpEpoch ? this.#producerId : -1n,
              bumpEpoch ? this.#producerEpoch : -1,
            );
          } catch (error) {
            this.#forgetCoordinatorOn(error);
            throw error;
          }
        },
        Math.max(this.#client.config.retries, 10),
      );
      this.#producerId = response.producerId;
      this.#producerEpoch = response.producerEpoch;
      this.#sequences.clear();
    } catch (error) {
      throw this.#mapError(error, action);
    }
  }

  /** A new producer id (idempotent) or a bumped epoch (transactional, between transactions): sequences restart. */
  #resetProducerId(): Promise<void> {
    this.#resetting ??= (async () => {
      try {
        await this.#initProducerId(this.#transactionalId !== null);
        this.#sequenceBroken = false;
      } finally {
        this.#resetting = undefined;
      }
    })();
    return this.#resetting;
  }

  async #coordinatorConnection(): Promise<Connection> {
    try {
      this.#transactionCoordinator ??= await this.#client.findCoordinator(
        'transaction',
        this.#transactionalId as string,
        0,
      );
      return await this.#client.connectionToNode(this.#transactionCoordinator);
    } catch (error) {
      // The coordinator's broker may be gone: look it up again on the next attempt.
      this.#transactionCoordinator = undefined;
      throw error;
    }
  }

  #forgetCoordinatorOn(error: unknown): void {
    if (isRetriable(error)) this.#transactionCoordinator = undefined;
  }

  #mapError(error: unknown, action: string, topics?: readonly string[]): KafkaBackendError {
    const mapped = toBackendError(error, this.#client.context(action, topics));
    if (mapped instanceof FencedError) this.#fenced ??= mapped;
    return mapped;
  }

  #checkUsable(action: string): void {
    if (this.#closed) throw new KafkaBackendError(`${this.#name}: cannot ${action} after close()`);
    if (this.#fenced) throw new FencedError(`${this.#name}: fenced; cannot ${action}`, { cause: this.#fenced });
  }

  // ---------------------------------------------------------------------------------------------- send

  send(records: readonly ProducerRecord[], options?: SendOptions): Promise<RecordMetadata[]> {
    const promise = this.#send(records, options?.metadata !== false);
    this.#inflight.add(promise);
    const forget = () => this.#inflight.delete(promise);
    promise.then(forget, (error: Error) => {
      forget();
      if (this.#transaction) this.#transaction.failure ??= error;
    });
    return promise;
  }

  createBatch(): ProducerBatch {
    return new PlatformaticProducerBatch(MAX_BATCH_BYTES, this.#batchSizeHints);
  }

  sendBatch(batch: ProducerBatch): Promise<void> {
    // A batch of another producer (or backend) holds plain records: send those.
    const promise =
      batch instanceof PlatformaticProducerBatch
        ? this.#sendBatch(batch)
        : this.#send(batch.records(), false).then(() => undefined);
    this.#inflight.add(promise);
    const forget = () => this.#inflight.delete(promise);
    promise.then(forget, (error: Error) => {
      forget();
      if (this.#transaction) this.#transaction.failure ??= error;
    });
    return promise;
  }

  /** send() for records encoded as they were appended: the same checks, sequences, transaction and retries. */
  async #sendBatch(batch: PlatformaticProducerBatch): Promise<void> {
    this.#checkUsable('send');
    const built = batch.seal();
    if (built.length === 0) return;
    await this.#prepareSend();
    const now = Date.now();
    const metadata = await this.#metadataFor(built);
    if (this.#transaction) await this.#addPartitionsToTransaction(built);
    await this.#deliver(() => this.#finish(built), [], undefined, now, metadata);
  }

  /** Checks that may fail a send before anything is written, and the producer id reset a broken sequence needs. */
  async #prepareSend(): Promise<void> {
    if (this.#transactionalId && !this.#transaction) {
      throw new KafkaBackendError(`${this.#name}: send() needs an open transaction; call beginTransaction() first`);
    }
    if (this.#sequenceBroken && !this.#transactionalId) await this.#resetProducerId();
  }

  /** Cluster metadata covering every partition written to; refuses a partition the topic does not have. */
  async #metadataFor(partitions: readonly TopicPartition[]): Promise<ClusterMetadata> {
    const topics = [...new Set(partitions.map((p) => p.topic))];
    let metadata = await this.#client.metadata(topics);
    const beyondCache = (m: ClusterMetadata) =>
      partitions.some((p) => p.partition >= (m.topics.get(p.topic)?.partitionsCount ?? 0));
    // Partitions may have been added since the cached metadata was read.
    if (beyondCache(metadata)) metadata = await this.#client.metadata(topics, true);
    for (const { topic, partition } of partitions) {
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
        throw new KafkaBackendError(
          `topic "${topic}" has ${count} partitions; cannot produce to partition ${partition}`,
        );
      }
    }
    return metadata;
  }

  /** Sequences and producer fields for built batches (called in dispatch order, like #encode). */
  #finish(built: readonly RecordBatchBuilder[]): Chunk[] {
    const chunks: Chunk[] = new Array(built.length);
    for (let i = 0; i < built.length; i++) {
      const { topic, partition, count } = built[i];
      let baseSequence = -1;
      if (this.#idempotent) {
        const key = `${topic}\0${partition}`;
        baseSequence = this.#sequences.get(key) ?? 0;
        const next = baseSequence + count;
        this.#sequences.set(key, next > INT32_MAX ? next - INT32_MAX - 1 : next);
      }
      const batch = finishRecordBatch(
        built[i].bytes(),
        {
          producerId: this.#producerId,
          producerEpoch: this.#producerEpoch,
          baseSequence,
          transactional: this.#transaction !== undefined,
        },
        this.#compression,
      );
      chunks[i] = { topic, partition, indices: NO_INDICES, batch };
    }
    return chunks;
  }

  async #send(records: readonly ProducerRecord[], withMetadata: boolean): Promise<RecordMetadata[]> {
    this.#checkUsable('send');
    if (records.length === 0) return [];
    const byPartition = groupByPartition(records);
    const groups = [...byPartition.values()];
    await this.#prepareSend();
    const now = Date.now();
    const metadata = await this.#metadataFor(groups);
    if (this.#transaction) await this.#addPartitionsToTransaction(groups);

    // Without metadata, nothing is allocated per record once the batch is acknowledged.
    const results: RecordMetadata[] | undefined = withMetadata ? new Array(records.length) : undefined;
    await this.#deliver(() => this.#encode(records, byPartition, now), records, results, now, metadata);
    return results ?? [];
  }

  /** Runs `work` (which must not await between assigning sequences and writing requests) after earlier sends. */
  #dispatch<T>(work: () => T): Promise<T> {
    const next = this.#dispatchChain.then(work);
    this.#dispatchChain = next.catch(() => undefined);
    return next;
  }

  #encode(records: readonly ProducerRecord[], byPartition: Map<string, PartitionGroup>, now: number): Chunk[] {
    const chunks: Chunk[] = [];
    for (const [key, group] of byPartition) {
      let start = 0;
      while (start < group.indices.length) {
        let end = start;
        let bytes = 0;
        while (end < group.indices.length && (end === start || bytes < MAX_BATCH_BYTES)) {
          bytes += estimateRecordSize(records[group.indices[end]]);
          end++;
        }
        // A send to one partition that fits one batch (the record collector's usual case) is encoded from the
        // caller's array itself: no copies of the indices and records.
        const whole = start === 0 && end === records.length;
        const indices = whole ? group.indices : group.indices.slice(start, end);
        const chunkRecords = whole ? records : indices.map((i) => records[i]);
        let baseSequence = -1;
        if (this.#idempotent) {
          baseSequence = this.#sequences.get(key) ?? 0;
          const next = baseSequence + indices.length;
          this.#sequences.set(key, next > INT32_MAX ? next - INT32_MAX - 1 : next);
        }
        const batch = encodeRecordBatch(
          chunkRecords,
          now,
          {
            producerId: this.#producerId,
            producerEpoch: this.#producerEpoch,
            baseSequence,
            transactional: this.#transaction !== undefined,
          },
          this.#compression,
        );
        chunks.push({ topic: group.topic, partition: group.partition, indices, batch });
        start = end;
      }
    }
    return chunks;
  }

  /**
   * Sends the chunks grouped by leader (a Produce request carries one batch per partition, so a partition's
   * second chunk waits for the next request) and resends failed chunks, unchanged, to the current leader.
   */
  async #deliver(
    encode: () => Chunk[],
    records: readonly ProducerRecord[],
    results: RecordMetadata[] | undefined,
    now: number,
    firstMetadata: ClusterMetadata,
  ): Promise<void> {
    const deadline = Date.now() + this.#deliveryTimeoutMs;
    let pending: Chunk[] | undefined;
    let metadata = firstMetadata;
    let lastError: unknown;
    for (let attempt = 0; pending === undefined || pending.length > 0; attempt++) {
      if (pending !== undefined) {
        const topics = topicsOf(pending);
        if (Date.now() > deadline || this.#closed) {
          throw this.#mapError(lastError, `${this.#name}: producing to ${quoteAll(topics)}`, topics);
        }
        await delay(Math.min(100 * attempt, 1000));
        metadata = await this.#client.metadata(topics, true).catch(() => metadata);
      }
      const failed: Chunk[] = [];
      // Sequences are assigned and the requests written in one step, so requests leave in send() order.
      const requests = await this.#dispatch(() => {
        const chunks = pending ?? encode();
        pending = chunks;
        return this.#writeRequests(chunks, metadata);
      });
      await Promise.all(
        requests.map(async ({ chunks: sent, response }) => {
          let decoded: ProduceResponse | undefined;
          try {
            decoded = await response;
          } catch (error) {
            if (!isRetriable(error)) throw this.#mapError(error, `${this.#name}: producing`, topicsOf(sent));
            lastError = error;
            failed.push(...sent);
            return;
          }
          for (const chunk of sent) {
            const partitionResponse = findPartition(decoded, chunk);
            if (this.#acks === 0 || !partitionResponse) {
              if (results) fill(results, records, chunk, -1, now, -1n);
              continue;
            }
            const { errorCode } = partitionResponse;
            if (errorCode === 0 || errorCode === 46 /* DUPLICATE_SEQUENCE_NUMBER */) {
              if (results)
                fill(
                  results,
                  records,
                  chunk,
                  Number(partitionResponse.baseOffset),
                  now,
                  partitionResponse.logAppendTimeMs,
                );
              continue;
            }
            const error = partitionError(errorCode, chunk);
            if (!hasProtocolError(error, ...RETRIABLE_PRODUCE)) {
              if (this.#idempotent) this.#sequenceBroken = true;
              throw this.#mapError(error, `${this.#name}: producing to "${chunk.topic}" partition ${chunk.partition}`, [
                chunk.topic,
              ]);
            }
            lastError = error;
            failed.push(chunk);
          }
        }),
      );
      pending = failed;
    }
  }

  /** Writes one request per (leader, round); returns their response promises without awaiting them. */
  async #writeRequests(
    chunks: Chunk[],
    metadata: ClusterMetadata,
  ): Promise<{ chunks: Chunk[]; response: Promise<ProduceResponse> }[]> {
    const byLeader = new Map<number, Chunk[][]>();
    for (const chunk of chunks) {
      const leader = metadata.topics.get(chunk.topic)?.partitions[chunk.partition]?.leader ?? -1;
      let rounds = byLeader.get(leader);
      if (!rounds) byLeader.set(leader, (rounds = []));
      const key = `${chunk.topic}\0${chunk.partition}`;
      let round = rounds.find((r) => !r.some((c) => `${c.topic}\0${c.partition}` === key));
      if (!round) rounds.push((round = []));
      round.push(chunk);
    }
    const requests: { chunks: Chunk[]; response: Promise<ProduceResponse> }[] = [];
    for (const [leader, rounds] of byLeader) {
      let connection: Connection | undefined;
      let connectError: unknown;
      try {
        if (leader < 0) throw Object.assign(new Error('no leader'), { apiId: 'LEADER_NOT_AVAILABLE' });
        connection = await this.#client.connectionTo(metadata, leader);
      } catch (error) {
        connectError = error;
      }
      for (const round of rounds) {
        const response: Promise<ProduceResponse> = connection
          ? sendAllowingErrors(
              produceApi,
              connection,
              this.#transactionalId,
              this.#acks,
              this.#client.config.requestTimeoutMs,
              round.map((c): PartitionBatch => c),
            )
          : Promise.reject(connectError);
        response.catch(() => undefined);
        requests.push({ chunks: round, response });
      }
    }
    return requests;
  }

  // ---------------------------------------------------------------------------------------------- transactions

  async #addPartitionsToTransaction(groups: readonly TopicPartition[]): Promise<void> {
    const transaction = this.#transaction as TransactionState;
    const missing = groups.filter((g) => !transaction.partitions.has(topicPartitionKey(g)));
    if (missing.length === 0) return;
    const byTopic = new Map<string, number[]>();
    for (const g of missing) byTopic.set(g.topic, [...(byTopic.get(g.topic) ?? []), g.partition]);
    await this.#coordinatorRequest('AddPartitionsToTxn', async (connection) => {
      const response = await sendAllowingErrors(addPartitionsToTxnV3.api, connection, [
        {
          transactionalId: this.#transactionalId as string,
          producerId: this.#producerId,
          producerEpoch: this.#producerEpoch,
          verifyOnly: false,
          topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
        },
      ]);
      for (const topic of response.resultsByTransaction[0]?.topicResults ?? []) {
        for (const p of topic.resultsByPartition) {
          if (p.partitionErrorCode !== 0)
            throw partitionError(p.partitionErrorCode, { topic: topic.name, partition: p.partitionIndex });
        }
      }
    });
    for (const g of missing) transaction.partitions.add(topicPartitionKey(g));
  }

  /** A request to the transaction coordinator, retried (re-finding the coordinator) on retriable errors. */
  async #coordinatorRequest(name: string, request: (connection: Connection) => Promise<void>): Promise<void> {
    const action = `${this.#name}: ${name}`;
    try {
      await this.#client.withRetry(
        action,
        async () => {
          const connection = await this.#coordinatorConnection();
          try {
            await request(connection);
          } catch (error) {
            this.#forgetCoordinatorOn(error);
            throw error;
          }
        },
        Math.max(this.#client.config.retries, 20),
      );
    } catch (error) {
      throw this.#mapError(error, action);
    }
  }

  async beginTransaction(): Promise<void> {
    this.#checkUsable('begin a transaction');
    if (!this.#transactionalId) {
      throw new KafkaBackendError('beginTransaction() needs a producer created with a transactionalId');
    }
    if (this.#transaction) throw new KafkaBackendError(`${this.#name}: a transaction is already open`);
    this.#transaction = { partitions: new Set(), offsetsAdded: false, failure: undefined };
  }

  async sendOffsetsToTransaction(offsets: readonly TopicPartitionOffset[], group: GroupGeneration): Promise<void> {
    this.#checkUsable('send offsets to a transaction');
    const transaction = this.#transaction;
    if (!transaction)
      throw new KafkaBackendError(`${this.#name}: sendOffsetsToTransaction() needs an open transaction`);
    if (offsets.length === 0) return;
    const groupId = group.groupId;
    if (!transaction.offsetsAdded) {
      await this.#coordinatorRequest('AddOffsetsToTxn', async (connection) => {
        await addOffsetsToTxnV4.api.async(
          connection,
          this.#transactionalId as string,
          this.#producerId,
          this.#producerEpoch,
          groupId,
        );
      });
      transaction.offsetsAdded = true;
    }
    const topics = offsetCommitTopics(offsets);
    const action = `${this.#name}: committing offsets of group "${groupId}" in the transaction`;
    let coordinator = this.#groupCoordinators.get(groupId);
    try {
      await this.#client.withRetry(
        action,
        async () => {
          let connection: Connection;
          try {
            coordinator ??= await this.#client.findCoordinator('group', groupId, 0);
            connection = await this.#client.connectionToNode(coordinator);
          } catch (error) {
            coordinator = undefined;
            this.#groupCoordinators.delete(groupId);
            throw error;
          }
          this.#groupCoordinators.set(groupId, coordinator);
          // All offsets in ONE TxnOffsetCommit (v3+ carries generation and member id, so a zombie is fenced).
          const response = await sendAllowingErrors(
            txnOffsetCommitV4.api,
            connection,
            this.#transactionalId as string,
            groupId,
            this.#producerId,
            this.#producerEpoch,
            group.generationId,
            group.memberId,
            group.groupInstanceId ?? null,
            topics,
          );
          for (const topic of response.topics) {
            for (const p of topic.partitions) {
              if (p.errorCode === 0) continue;
              const error = partitionError(p.errorCode, { topic: topic.name, partition: p.partitionIndex });
              if (isRetriable(error)) {
                coordinator = undefined;
                this.#groupCoordinators.delete(groupId);
              }
              throw error;
            }
          }
        },
        Math.max(this.#client.config.retries, 10),
      );
    } catch (error) {
      if (isGenerationLost(error) || hasProtocolError(error, 'FENCED_INSTANCE_ID')) {
        throw new FencedError(
          `${action}: generation ${group.generationId} of member "${group.memberId}" was fenced by a rebalance`,
          {
            cause: error,
          },
        );
      }
      throw this.#mapError(error, action);
    }
  }

  async commitTransaction(): Promise<void> {
    await this.#endTransaction(true);
  }

  async abortTransaction(): Promise<void> {
    await this.#endTransaction(false);
  }

  async #endTransaction(commit: boolean): Promise<void> {
    const verb = commit ? 'commit' : 'abort';
    this.#checkUsable(`${verb} a transaction`);
    const transaction = this.#transaction;
    if (!transaction) throw new KafkaBackendError(`${this.#name}: no open transaction to ${verb}`);
    // Every record sent in the transaction must be acknowledged before the end marker is written.
    await Promise.allSettled([...this.#inflight]);
    if (commit && transaction.failure) {
      throw new KafkaBackendError(`${this.#name}: a send in this transaction failed; abort it instead`, {
        cause: transaction.failure,
      });
    }
    if (transaction.partitions.size > 0 || transaction.offsetsAdded) {
      await this.#coordinatorRequest(commit ? 'EndTxn(commit)' : 'EndTxn(abort)', async (connection) => {
        await endTxnV4.api.async(
          connection,
          this.#transactionalId as string,
          this.#producerId,
          this.#producerEpoch,
          commit,
        );
      });
    }
    this.#transaction = undefined;
    if (this.#sequenceBroken) await this.#resetProducerId();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Sends in flight get a bounded grace period; past it, closing the connections fails them.
    await Promise.race([Promise.allSettled([...this.#inflight]), graceDelay(CLOSE_GRACE_MS)]);
    this.#closed = true;
    await this.#client.close();
  }
}

// ------------------------------------------------------------------------------------------------ helpers

interface PartitionGroup {
  readonly topic: string;
  readonly partition: number;
  readonly indices: number[];
}

/**
 * Groups records by partition, keeping each partition's send order. Records from the record collector come in
 * long runs of one partition, so the previous record's group is reused without building its key string.
 */
function groupByPartition(records: readonly ProducerRecord[]): Map<string, PartitionGroup> {
  const groups = new Map<string, PartitionGroup>();
  let last: PartitionGroup | undefined;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (last === undefined || last.partition !== r.partition || last.topic !== r.topic) {
      const key = `${r.topic}\0${r.partition}`;
      last = groups.get(key);
      if (!last) groups.set(key, (last = { topic: r.topic, partition: r.partition, indices: [] }));
    }
    last.indices.push(i);
  }
  return groups;
}

function topicsOf(chunks: readonly Chunk[]): string[] {
  return [...new Set(chunks.map((c) => c.topic))];
}

function findPartition(response: ProduceResponse | undefined, chunk: Chunk) {
  if (!response || typeof response !== 'object') return undefined;
  const topic = response.responses?.find((t) => t.name === chunk.topic);
  return topic?.partitionResponses.find((p) => p.index === chunk.partition);
}

function fill(
  results: RecordMetadata[],
  records: readonly ProducerRecord[],
  chunk: Chunk,
  baseOffset: number,
  now: number,
  logAppendTime: bigint,
): void {
  const appendTime = logAppendTime >= 0n ? Number(logAppendTime) : -1;
  for (let i = 0; i < chunk.indices.length; i++) {
    const index = chunk.indices[i];
    results[index] = {
      topic: chunk.topic,
      partition: chunk.partition,
      offset: baseOffset < 0 ? -1 : baseOffset + i,
      timestamp: appendTime >= 0 ? appendTime : (records[index].timestamp ?? now),
    };
  }
}
