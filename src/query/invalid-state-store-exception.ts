/**
 * Why a store could not be queried (Java's `InvalidStateStoreException` family). `retriable` says whether
 * asking again later may succeed (the client is rebalancing or restoring, the store moved to another
 * instance) or not (no such store, the wrong store type, a partition this client never had).
 */
import { StreamsException } from '../errors/streams-exception.ts';

export class InvalidStateStoreException extends StreamsException {
  override name = 'InvalidStateStoreException';
  readonly retriable: boolean;
  constructor(message: string, retriable = true) {
    super(message);
    this.retriable = retriable;
  }
}

/** The client has not been started (Java's `StreamsNotStartedException`): call start() first. */
export class StreamsNotStartedException extends InvalidStateStoreException {
  override name = 'StreamsNotStartedException';
  constructor(message: string) {
    super(message, false);
  }
}

/** The topology has no store of that name (Java's `UnknownStateStoreException`). */
export class UnknownStateStoreException extends InvalidStateStoreException {
  override name = 'UnknownStateStoreException';
  readonly storeName: string;
  constructor(storeName: string, known: readonly string[]) {
    super(
      `no queryable state store named "${storeName}" in this topology (queryable stores: ${
        known.length > 0 ? known.map((n) => `"${n}"`).join(', ') : 'none'
      })`,
      false,
    );
    this.storeName = storeName;
  }
}

/** `withPartition(p)` named a partition the store does not have (Java's `InvalidStateStorePartitionException`). */
export class InvalidStateStorePartitionException extends InvalidStateStoreException {
  override name = 'InvalidStateStorePartitionException';
  constructor(message: string) {
    super(message, false);
  }
}
