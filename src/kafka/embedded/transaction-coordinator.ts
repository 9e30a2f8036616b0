import { FencedError, KafkaBackendError, type TopicPartitionOffset, topicPartitionKey } from '../backend.ts';
import type { PartitionLog, TransactionMark } from './partition-log.ts';

/** An open transaction: where it wrote, and the offsets it will commit for each group. */
export class OpenTransaction {
  readonly mark: TransactionMark = { state: 'open' };
  readonly logs = new Set<PartitionLog>();
  readonly offsets = new Map<string, Map<string, TopicPartitionOffset>>();
  timer: NodeJS.Timeout | undefined;

  addOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): void {
    let forGroup = this.offsets.get(groupId);
    if (!forGroup) this.offsets.set(groupId, (forGroup = new Map()));
    for (const offset of offsets) forGroup.set(topicPartitionKey(offset), offset);
  }
}

interface TransactionalIdState {
  /** The producer that holds the id now; any other producer with this id is fenced. */
  owner: object;
  epoch: number;
  transaction: OpenTransaction | undefined;
  /** Why earlier owners were fenced, for their error messages. */
  fencedBecause: string;
}

/** What completing a transaction must do outside the logs: commit its offsets into groups. */
export type OffsetsSink = (groupId: string, offsets: readonly TopicPartitionOffset[]) => void;

/**
 * Kafka's transaction coordinator, in memory: one state per transactional id, epoch bumps that fence older
 * producers (aborting what they left open), commit/abort markers written to every partition a transaction
 * touched, and transactional offsets applied to their groups only on commit.
 */
export class TransactionCoordinator {
  private readonly states = new Map<string, TransactionalIdState>();
  private readonly now: () => number;
  private readonly commitOffsets: OffsetsSink;

  constructor(now: () => number, commitOffsets: OffsetsSink) {
    this.now = now;
    this.commitOffsets = commitOffsets;
  }

  /** InitProducerId: makes `owner` the holder of the id, aborting its previous holder's open transaction. */
  initProducer(transactionalId: string, owner: object): void {
    const previous = this.states.get(transactionalId);
    if (previous?.transaction) this.end(previous, previous.transaction, false);
    this.states.set(transactionalId, {
      owner,
      epoch: (previous?.epoch ?? -1) + 1,
      transaction: undefined,
      fencedBecause: 'a newer producer with the same transactional id was created',
    });
  }

  /** Throws FencedError unless `owner` still holds the id. */
  check(transactionalId: string, owner: object): TransactionalIdState {
    const state = this.states.get(transactionalId);
    if (!state || state.owner !== owner) {
      throw new FencedError(
        `producer with transactional id "${transactionalId}" was fenced: ${state?.fencedBecause ?? 'its id was released'}`,
      );
    }
    return state;
  }

  begin(transactionalId: string, owner: object): void {
    const state = this.check(transactionalId, owner);
    if (state.transaction) {
      throw new KafkaBackendError(`transactional id "${transactionalId}": a transaction is already open`);
    }
    state.transaction = new OpenTransaction();
  }

  /** The open transaction, its timeout started on first use (as Kafka starts it at the first AddPartitionsToTxn). */
  current(transactionalId: string, owner: object, timeoutMs: number): OpenTransaction | undefined {
    const state = this.check(transactionalId, owner);
    const transaction = state.transaction;
    if (transaction && !transaction.timer) {
      transaction.timer = setTimeout(() => {
        if (state.transaction !== transaction) return;
        // The coordinator aborts an expired transaction and bumps the epoch: the producer is fenced.
        this.end(state, transaction, false);
        state.owner = {};
        state.epoch++;
        state.fencedBecause = `its transaction exceeded transaction.timeout.ms (${timeoutMs} ms) and was aborted`;
      }, timeoutMs);
      transaction.timer.unref();
    }
    return transaction;
  }

  complete(transactionalId: string, owner: object, commit: boolean): void {
    const state = this.check(transactionalId, owner);
    if (state.transaction) this.end(state, state.transaction, commit);
  }

  private end(state: TransactionalIdState, transaction: OpenTransaction, commit: boolean): void {
    clearTimeout(transaction.timer);
    state.transaction = undefined;
    transaction.mark.state = commit ? 'committed' : 'aborted';
    const now = this.now();
    for (const log of transaction.logs) log.endTransaction(transaction.mark, now);
    if (commit)
      for (const [groupId, offsets] of transaction.offsets) this.commitOffsets(groupId, [...offsets.values()]);
  }
}
