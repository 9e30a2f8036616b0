import {
  type API,
  Base,
  type ClusterMetadata,
  type Connection,
  FindCoordinatorKeyTypes,
  findCoordinatorV6,
  kGetBootstrapConnection,
  kGetConnection,
  TimeoutError,
} from '@platformatic/kafka';
import { BrokerUnreachableError } from '../backend.ts';
import type { ResolvedConfig } from './config.ts';
import { type ErrorContext, flattenErrors, hasProtocolError, isNetworkError, toBackendError } from './errors.ts';

/** Errors after which the same request may succeed once metadata or the coordinator was looked up again. */
const RETRIABLE = [
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'REQUEST_TIMED_OUT',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'NETWORK_EXCEPTION',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'CONCURRENT_TRANSACTIONS',
  'KAFKA_STORAGE_ERROR',
  'OFFSET_NOT_AVAILABLE',
  'BROKER_NOT_AVAILABLE',
  'REPLICA_NOT_AVAILABLE',
];

export function isRetriable(error: unknown): boolean {
  return hasProtocolError(error, ...RETRIABLE) || isNetworkError(error);
}

/** Tags an error meaning "no broker answered" (as opposed to one broker of a live cluster being gone). */
function markUnreachable(error: unknown): unknown {
  if (error && typeof error === 'object') (error as { unreachable?: boolean }).unreachable = true;
  return error;
}

/** No broker answered: none could be connected to, or one took a request and never replied. */
export function isUnreachable(error: unknown): boolean {
  return (
    error instanceof BrokerUnreachableError ||
    flattenErrors(error).some((e) => (e as { unreachable?: boolean }).unreachable || e instanceof TimeoutError)
  );
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A bound for a close or leave that is raced against the real work: unref'd, so a close that finished early
 * does not keep the process alive until the bound expires.
 */
export function graceDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * One connection pool plus a metadata cache, shared by the parts of one producer, fetcher, group member or
 * admin. Each of those owns its own ClusterClient so that a long-polling fetch never delays a heartbeat.
 */
export class ClusterClient {
  readonly base: Base;
  readonly config: ResolvedConfig;
  #closed = false;

  constructor(config: ResolvedConfig, clientId: string = config.clientId, maxInflights = 5) {
    this.config = config;
    this.base = new Base({
      clientId,
      bootstrapBrokers: [...config.bootstrapServers],
      connectTimeout: config.connectTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      retries: config.retries,
      retryDelay: config.retryDelayMs,
      maxInflights,
      metadataMaxAge: 30_000,
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  context(action: string, topics?: readonly string[]): ErrorContext {
    return { addresses: this.config.bootstrapServers, action, topics };
  }

  /** Metadata for the topics; throws UnknownTopicError for a missing one. */
  async metadata(topics: readonly string[], forceUpdate = false): Promise<ClusterMetadata> {
    try {
      return await this.base.metadata({ topics: [...topics], forceUpdate });
    } catch (error) {
      throw toBackendError(error, this.context(`reading metadata of ${quoteAll(topics)}`, topics));
    }
  }

  connectionTo(metadata: ClusterMetadata, nodeId: number): Promise<Connection> {
    const broker = metadata.brokers.get(nodeId);
    if (!broker) {
      // Usually a dead broker a coordinator lookup still named: retriable, after another lookup.
      const error = Object.assign(new Error(`broker ${nodeId} is not in the cluster metadata`), {
        apiId: 'BROKER_NOT_AVAILABLE',
      });
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.base[kGetConnection](broker, (error, connection) =>
        error ? reject(error) : resolve(connection as Connection),
      );
    });
  }

  async connectionToNode(nodeId: number): Promise<Connection> {
    let metadata = await this.metadata([]);
    if (!metadata.brokers.has(nodeId)) metadata = await this.metadata([], true);
    return this.connectionTo(metadata, nodeId);
  }

  /** A connection to any reachable broker. Failing here means no broker answers at all (see isUnreachable). */
  bootstrapConnection(attempt = 0): Promise<Connection> {
    return new Promise((resolve, reject) => {
      this.base[kGetBootstrapConnection](
        (error, connection) => (error ? reject(markUnreachable(error)) : resolve(connection as Connection)),
        attempt,
      );
    });
  }

  /**
   * Runs `operation` until it succeeds, a non-retriable error occurs, or the retries run out. Connection
   * failures count as retriable: the broker may be restarting or a leader moving.
   */
  async withRetry<T>(
    action: string,
    operation: (attempt: number) => Promise<T>,
    retries = this.config.retries,
  ): Promise<T> {
    let lastError: unknown;
    // Failovers deserve many retries, but when no broker answers at all the configured `retries` is the
    // bound, so an unreachable cluster fails in bounded time however the retry loops nest.
    let unreachable = 0;
    let concurrent = 0;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (this.#closed) throw new Error(`${action}: client closed`);
      try {
        return await operation(attempt);
      } catch (error) {
        lastError = error;
        if (isUnreachable(error) && ++unreachable > this.config.retries) break;
        // The previous transaction's markers are still being written: ready within milliseconds, so poll
        // quickly (as Java's producer does) without using up the retries meant for real failures.
        if (hasProtocolError(error, 'CONCURRENT_TRANSACTIONS') && ++concurrent < 500) {
          attempt--;
          await delay(concurrent < 10 ? 5 : 20);
          continue;
        }
        if (!isRetriable(error) || attempt === retries) break;
        if (isNetworkError(error) || hasProtocolError(error, 'NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE')) {
          this.base.clearMetadata();
        }
        await delay(this.config.retryDelayMs * (attempt + 1));
      }
    }
    throw lastError;
  }

  /** Finds the group or transaction coordinator's node id (FindCoordinator v6, batched keys). */
  async findCoordinator(keyType: 'group' | 'transaction', key: string, retries = this.config.retries): Promise<number> {
    const type = keyType === 'group' ? FindCoordinatorKeyTypes.GROUP : FindCoordinatorKeyTypes.TRANSACTION;
    return this.withRetry(
      `finding the ${keyType} coordinator for "${key}"`,
      async (attempt) => {
        const connection = await this.bootstrapConnection(attempt);
        const response = await findCoordinatorV6.api.async(connection, type, [key]);
        const coordinator = response.coordinators.find((c) => c.key === key) ?? response.coordinators[0];
        if (!coordinator || coordinator.nodeId < 0) {
          throw Object.assign(new Error(`no coordinator for ${keyType} "${key}"`), {
            apiId: 'COORDINATOR_NOT_AVAILABLE',
          });
        }
        return coordinator.nodeId;
      },
      retries,
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.base.close();
  }
}

/** The decoded response of a request even when it carries per-partition error codes (ResponseError). */
export async function sendAllowingErrors<Args extends unknown[], R>(
  api: API<Args, R>,
  connection: Connection,
  ...args: Args
): Promise<R> {
  try {
    return await api.async(connection, ...args);
  } catch (error) {
    const response = (error as { response?: unknown }).response;
    if (response && (error as { code?: string }).code === 'PLT_KFK_RESPONSE') return response as R;
    throw error;
  }
}

export function quoteAll(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}
