/**
 * One task's records on their way to an external sink. It is a state store (unlogged, not persistent) only
 * because stores are what a task owns per partition and what the stream thread can see: the thread awaits
 * `whenFlushed()` before committing the task's offsets and `backpressure()` after each processing round.
 *
 * Records are cut into batches of `batchSize`, but never between two outputs of one input record: a sink that
 * remembers the last applied input offset may then skip a replayed offset whole. Batches are written one at a
 * time, in order, with bounded retries; a batch that still fails goes to the production exception handler
 * (CONTINUE drops it, FAIL makes the next flush or backpressure throw, which fails the stream thread).
 */
import {
  type ProductionExceptionHandler,
  ProductionExceptionHandlerResponse,
} from '../../errors/production-exception-handler.ts';
import { StreamsException } from '../../errors/streams-exception.ts';
import type { ManagedStore, StoreInitContext } from '../../state/internals/store-init-context.ts';
import type { StateStore } from '../../state/state-store.ts';
import type { ExternalSink, SinkRecord, ToSinkOptions } from '../external-sink.ts';

export interface ResolvedSinkOptions {
  readonly sinkName: string;
  readonly batchSize: number;
  readonly maxBufferedRecords: number;
  readonly retries: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
}

export function resolveSinkOptions(sinkName: string, options: ToSinkOptions | undefined): ResolvedSinkOptions {
  const resolved = {
    sinkName,
    batchSize: options?.batchSize ?? 500,
    maxBufferedRecords: options?.maxBufferedRecords ?? 10_000,
    retries: options?.retries ?? 5,
    retryBackoffMs: options?.retryBackoffMs ?? 100,
    retryBackoffMaxMs: options?.retryBackoffMaxMs ?? 5_000,
  };
  for (const [key, value] of Object.entries(resolved)) {
    if (key === 'sinkName') continue;
    const min = key === 'batchSize' || key === 'maxBufferedRecords' ? 1 : 0;
    if (!Number.isInteger(value) || (value as number) < min)
      throw new TypeError(`toSink "${sinkName}": ${key} must be an integer >= ${min}, got ${String(value)}`);
  }
  if (resolved.batchSize > resolved.maxBufferedRecords)
    throw new TypeError(
      `toSink "${sinkName}": batchSize (${resolved.batchSize}) must not exceed maxBufferedRecords (${resolved.maxBufferedRecords})`,
    );
  return resolved;
}

export function isExternalSinkBuffer(store: unknown): store is ExternalSinkBuffer<unknown, unknown> {
  return store instanceof ExternalSinkBuffer;
}

export class ExternalSinkBuffer<K, V> implements StateStore, ManagedStore {
  readonly name: string;
  readonly persistent = false;
  readonly changelogTopic = undefined;
  readonly #sink: ExternalSink<K, V>;
  readonly #options: ResolvedSinkOptions;
  #taskId = '';
  #applicationId = '';
  #handler: ProductionExceptionHandler = { handle: () => ProductionExceptionHandlerResponse.FAIL };
  #open = false;
  #buffer: SinkRecord<K, V>[] = [];
  /** Input record (topic, partition, offset) of the last buffered record, to cut batches only between inputs. */
  #lastInput: string | undefined;
  readonly #sealed: SinkRecord<K, V>[][] = [];
  /** Records buffered, sealed or being written. */
  #held = 0;
  #writing: Promise<void> | undefined;
  #fatal: Error | undefined;

  constructor(name: string, sink: ExternalSink<K, V>, options: ResolvedSinkOptions) {
    this.name = name;
    this.#sink = sink;
    this.#options = options;
  }

  get sinkName(): string {
    return this.#options.sinkName;
  }

  /** Records held for the sink (buffered or being written), for tests and metrics. */
  heldCount(): number {
    return this.#held;
  }

  init(context: StoreInitContext): void {
    this.#taskId = context.taskId;
    this.#applicationId = String(context.config['application.id'] ?? '');
    this.#handler = productionHandlerFrom(context.config['production.exception.handler']);
    this.#open = true;
  }

  isOpen(): boolean {
    return this.#open;
  }

  add(record: SinkRecord<K, V>): void {
    const input = record.offset >= 0 ? `${record.topic}\u0000${record.partition}\u0000${record.offset}` : undefined;
    if (this.#buffer.length >= this.#options.batchSize && (input === undefined || input !== this.#lastInput))
      this.#seal();
    this.#buffer.push(record);
    this.#held++;
    this.#lastInput = input;
  }

  restoreBatch(): void {}

  /** Called by the task's prepareCommit (synchronously): every processed record is buffered now, write it. */
  flush(): void {
    this.#seal();
  }

  /** Resolves once every record added so far is written and the sink flushed; throws if the sink failed. */
  async whenFlushed(): Promise<void> {
    this.#seal();
    while (this.#writing !== undefined) await this.#writing;
    this.#throwIfFailed();
    try {
      await this.#sink.flush?.();
    } catch (error) {
      throw new StreamsException(
        `external sink "${this.sinkName}" of task ${this.#taskId}: flush failed: ${asError(error).message}`,
        { cause: error },
      );
    }
  }

  /**
   * Called by the stream thread after each processing round. An idle sink gets what is buffered at once (so a
   * quiet stream's records do not wait for the commit; under load, records gather while a write is in flight,
   * which makes the batches). Returns a promise to await before processing more when the task holds too many
   * records for the sink.
   */
  afterProcessingRound(): Promise<void> | undefined {
    if (this.#writing === undefined && this.#sealed.length === 0) this.#seal();
    if (this.#fatal === undefined && this.#held < this.#options.maxBufferedRecords) return undefined;
    return (async () => {
      this.#seal();
      while (this.#held >= this.#options.maxBufferedRecords && this.#writing !== undefined) await this.#writing;
      this.#throwIfFailed();
    })();
  }

  /** Task closed (after a commit, or dirty after a failure): what was not written is dropped, its input is not committed. */
  close(): void {
    this.#open = false;
    this.#buffer = [];
    this.#sealed.length = 0;
  }

  #throwIfFailed(): void {
    if (this.#fatal !== undefined) throw this.#fatal;
  }

  #seal(): void {
    if (this.#buffer.length === 0) return;
    this.#sealed.push(this.#buffer);
    this.#buffer = [];
    this.#lastInput = undefined;
    this.#pump();
  }

  #pump(): void {
    if (this.#writing !== undefined || this.#fatal !== undefined) return;
    const batch = this.#sealed.shift();
    if (batch === undefined) return;
    this.#writing = this.#write(batch).finally(() => {
      this.#held -= batch.length;
      this.#writing = undefined;
      this.#pump();
    });
  }

  /** Never rejects: a final failure is handled here (dropped, or remembered as fatal). */
  async #write(batch: SinkRecord<K, V>[]): Promise<void> {
    const { sinkName, retries, retryBackoffMs, retryBackoffMaxMs } = this.#options;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#sink.write(batch, {
          sinkName,
          applicationId: this.#applicationId,
          taskId: this.#taskId,
          attempt,
        });
        return;
      } catch (error) {
        if (!this.#open) return;
        if (attempt <= retries) {
          const wait = Math.min(retryBackoffMaxMs, retryBackoffMs * 2 ** (attempt - 1));
          await new Promise((resolve) => setTimeout(resolve, wait));
          continue;
        }
        const err = asError(error);
        let response: ProductionExceptionHandlerResponse;
        try {
          // The handler sees the sink's name as the record's topic (there are no bytes: the sink gets objects).
          response = this.#handler.handle(
            { taskId: this.#taskId },
            { topic: sinkName, key: null, value: null, timestamp: batch[0].timestamp, headers: batch[0].headers },
            err,
          );
        } catch {
          response = ProductionExceptionHandlerResponse.FAIL;
        }
        if (response === ProductionExceptionHandlerResponse.CONTINUE) {
          console.warn(
            `tributary: dropped ${batch.length} records for external sink "${sinkName}" of task ${this.#taskId} after ${attempt} attempts: ${err.message}`,
          );
          return;
        }
        this.#fatal = new StreamsException(
          `external sink "${sinkName}" of task ${this.#taskId} failed to write ${batch.length} records after ${attempt} attempts: ${err.message}`,
          { cause: err },
        );
        return;
      }
    }
  }
}

/** The configured production.exception.handler (its accepted forms are checked when KafkaStreams starts). */
function productionHandlerFrom(value: unknown): ProductionExceptionHandler {
  if (typeof value === 'function') return { handle: value as ProductionExceptionHandler['handle'] };
  if (value !== null && typeof value === 'object' && typeof (value as ProductionExceptionHandler).handle === 'function')
    return value as ProductionExceptionHandler;
  if (value === ProductionExceptionHandlerResponse.CONTINUE) return { handle: () => value };
  return { handle: () => ProductionExceptionHandlerResponse.FAIL };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
