import {
  type GroupGeneration,
  KafkaBackendError,
  type Producer,
  type ProducerBatch,
  type ProducerOptions,
  type ProducerRecord,
  type RecordMetadata,
  type SendOptions,
  type TopicPartitionOffset,
} from '../backend.ts';
import { RecordListBatch } from '../record-list-batch.ts';
import type { BrokerState } from './broker-state.ts';
import { recordSizeInBytes } from './partition-log.ts';

const DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * A producer on the embedded broker. Appends are synchronous and acknowledged at once; a transactional producer
 * holds its transactional id until a newer producer with the same id fences it.
 */
export class EmbeddedProducer implements Producer {
  private readonly broker: BrokerState;
  private readonly transactionalId: string | undefined;
  private readonly transactionTimeoutMs: number;
  private closed = false;

  constructor(broker: BrokerState, options: ProducerOptions) {
    this.broker = broker;
    this.transactionalId = options.transactionalId;
    this.transactionTimeoutMs = options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS;
    if (this.transactionalId !== undefined) {
      if (typeof this.transactionalId !== 'string' || this.transactionalId === '') {
        throw new KafkaBackendError('transactionalId must be a non-empty string');
      }
      if (!Number.isInteger(this.transactionTimeoutMs) || this.transactionTimeoutMs <= 0) {
        throw new KafkaBackendError(
          `transactional id "${this.transactionalId}": transactionTimeoutMs must be a positive integer, got ${this.transactionTimeoutMs}`,
        );
      }
      // initTransactions: fences any older producer holding this id and aborts what it left open.
      broker.transactions.initProducer(this.transactionalId, this);
    }
  }

  createBatch(): ProducerBatch {
    return new RecordListBatch();
  }

  async sendBatch(batch: ProducerBatch): Promise<void> {
    await this.send(batch.records(), { metadata: false });
  }

  async send(records: readonly ProducerRecord[], options?: SendOptions): Promise<RecordMetadata[]> {
    this.ensureOpen();
    const transaction = this.transactionalId
      ? this.broker.transactions.current(this.transactionalId, this, this.transactionTimeoutMs)
      : undefined;
    if (this.transactionalId && !transaction) {
      throw new KafkaBackendError(
        `transactional producer "${this.transactionalId}" cannot send outside a transaction: call beginTransaction() first`,
      );
    }
    const now = this.broker.now();
    // Validate the whole batch before appending any of it.
    const targets = records.map((record) => {
      const log = this.broker.partitionLog(record);
      const topic = this.broker.topicOrThrow(record.topic);
      if (topic.settings.compact && record.key === null) {
        throw new KafkaBackendError(
          `topic "${record.topic}" is compacted (cleanup.policy=compact) and cannot accept a record without a key`,
        );
      }
      if (record.timestamp !== undefined && (!Number.isInteger(record.timestamp) || record.timestamp < 0)) {
        throw new KafkaBackendError(`record for topic "${record.topic}" has an invalid timestamp ${record.timestamp}`);
      }
      const headers = record.headers ?? [];
      const size = recordSizeInBytes(record.key, record.value, headers);
      if (size > topic.settings.maxMessageBytes) {
        throw new KafkaBackendError(
          `record of ${size} bytes is larger than max.message.bytes (${topic.settings.maxMessageBytes}) of topic "${record.topic}" (RECORD_TOO_LARGE)`,
        );
      }
      const timestamp = topic.settings.logAppendTime ? now : (record.timestamp ?? now);
      return { log, record, headers, timestamp };
    });
    const metadata = targets.map(({ log, record, headers, timestamp }) => {
      if (transaction) transaction.logs.add(log);
      const offset = log.append(
        { timestamp, key: record.key, value: record.value, headers },
        transaction?.mark ?? null,
        now,
      );
      return { topic: record.topic, partition: record.partition, offset, timestamp };
    });
    return options?.metadata === false ? [] : metadata;
  }

  async beginTransaction(): Promise<void> {
    this.broker.transactions.begin(this.requireTransactionalId('beginTransaction'), this);
  }

  async sendOffsetsToTransaction(offsets: readonly TopicPartitionOffset[], group: GroupGeneration): Promise<void> {
    const transactionalId = this.requireTransactionalId('sendOffsetsToTransaction');
    const transaction = this.broker.transactions.current(transactionalId, this, this.transactionTimeoutMs);
    if (!transaction) {
      throw new KafkaBackendError(
        `transactional producer "${transactionalId}": sendOffsetsToTransaction needs an open transaction; call beginTransaction() first`,
      );
    }
    this.broker
      .group(group.groupId)
      .validateTransactionalCommit(group.memberId, group.generationId, group.groupInstanceId ?? null);
    transaction.addOffsets(group.groupId, offsets);
  }

  async commitTransaction(): Promise<void> {
    const transactionalId = this.requireTransactionalId('commitTransaction');
    if (!this.broker.transactions.current(transactionalId, this, this.transactionTimeoutMs)) {
      throw new KafkaBackendError(`transactional producer "${transactionalId}": no open transaction to commit`);
    }
    this.broker.transactions.complete(transactionalId, this, true);
  }

  async abortTransaction(): Promise<void> {
    const transactionalId = this.requireTransactionalId('abortTransaction');
    if (!this.broker.transactions.current(transactionalId, this, this.transactionTimeoutMs)) {
      throw new KafkaBackendError(`transactional producer "${transactionalId}": no open transaction to abort`);
    }
    this.broker.transactions.complete(transactionalId, this, false);
  }

  /** As in Kafka, closing does not end an open transaction: it stays open until fenced or timed out. */
  async close(): Promise<void> {
    this.closed = true;
    this.broker.forget(this);
  }

  private requireTransactionalId(operation: string): string {
    this.ensureOpen();
    if (this.transactionalId === undefined) {
      throw new KafkaBackendError(`${operation} needs a transactional producer: create it with a transactionalId`);
    }
    return this.transactionalId;
  }

  private ensureOpen(): void {
    if (this.closed) {
      throw new KafkaBackendError(`producer${this.transactionalId ? ` "${this.transactionalId}"` : ''} is closed`);
    }
  }
}
