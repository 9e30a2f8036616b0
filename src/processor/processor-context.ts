/**
 * What a processor may do besides returning (Java's `api.ProcessorContext`): forward records to its
 * children, schedule punctuators, reach the state stores connected to it, and ask for a commit.
 */
import type { StateStore } from '../state/state-store.ts';
import type { FixedKeyRecord, Record } from './record.ts';

/** When a punctuator fires: by stream time (advanced by record timestamps) or by the wall clock. */
export const PunctuationType = {
  STREAM_TIME: 'STREAM_TIME',
  WALL_CLOCK_TIME: 'WALL_CLOCK_TIME',
} as const;
export type PunctuationType = (typeof PunctuationType)[keyof typeof PunctuationType];

/** Called with the current stream time or wall-clock time. */
export type Punctuator = (timestamp: number) => void;

export interface Cancellable {
  cancel(): void;
}

/** Where the record being processed came from; absent during punctuation. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

interface ContextBase {
  /** The application id (`application.id`). */
  readonly applicationId: string;
  /** The task running this processor, e.g. "0_1". */
  readonly taskId: string;
  /** The application's settings. */
  appConfigs(): Readonly<globalThis.Record<string, unknown>>;
  /** The source record of the current processing, or undefined inside a punctuator. */
  recordMetadata(): RecordMetadata | undefined;
  /** The largest record timestamp the task has seen (-1 before the first record). */
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
  /**
   * Schedules `punctuator` every `intervalMs`: by STREAM_TIME it fires when record timestamps pass each
   * multiple of the interval; by WALL_CLOCK_TIME when the clock does. Call it from `init`.
   */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  /** A store connected to this processor (throws naming the store when it is not connected). */
  getStateStore<S extends StateStore = StateStore>(name: string): S;
  /** Asks the driver to commit as soon as possible. */
  commit(): void;
}

export interface ProcessorContext<KForward = unknown, VForward = unknown> extends ContextBase {
  /** Sends a record to all children, or only to the child named `childName`. */
  forward<K extends KForward, V extends VForward>(record: Record<K, V>, childName?: string): void;
}

export interface FixedKeyProcessorContext<KForward = unknown, VForward = unknown> extends ContextBase {
  forward<V extends VForward>(record: FixedKeyRecord<KForward, V>, childName?: string): void;
}
