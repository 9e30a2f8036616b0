/**
 * How `KTable#suppress` holds updates back (Java's `Suppressed` and `Suppressed.BufferConfig`):
 * - `Suppressed.untilWindowCloses(BufferConfig.unbounded())` emits one final result per window, once stream
 *   time passes the window's end plus its grace (for session windows: end + gap + grace). Deletions of windows
 *   that never closed are not emitted.
 * - `Suppressed.untilTimeLimit(ms, bufferConfig)` emits the latest update of a key once stream time is `ms`
 *   past the first update buffered for it (rate limiting), or earlier when an eager buffer is full.
 * Time is stream time (record timestamps), never the wall clock. The buffer is logged to a changelog topic
 * (`<application.id>-<store>-changelog`) and restored on restart, so nothing buffered is lost.
 */

import { validateName } from './named.ts';
import type { Windowed } from './windowed.ts';

/** What a full buffer does: emit its oldest entries early (EMIT) or stop the application (SHUT_DOWN). */
export type BufferFullStrategy = 'EMIT' | 'SHUT_DOWN';

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

function checkLimit(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`BufferConfig: ${what} must be a non-negative integer, got ${String(value)}`);
  return value;
}

/** A suppression buffer's bounds, what happens when they are exceeded, and its changelog (Java's `BufferConfig`). */
export class BufferConfig<S extends BufferFullStrategy = BufferFullStrategy> {
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly bufferFullStrategy: S;
  /** The changelog's extra topic configs, or undefined when logging is disabled. */
  readonly logConfig: Readonly<Record<string, string>> | undefined;

  private constructor(
    maxRecords: number,
    maxBytes: number,
    strategy: S,
    logConfig: Readonly<Record<string, string>> | undefined,
  ) {
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
    this.bufferFullStrategy = strategy;
    this.logConfig = logConfig;
  }

  /** At most `recordLimit` keys buffered; when full, the oldest are emitted early. */
  static maxRecords(recordLimit: number): EagerBufferConfig {
    return new BufferConfig(checkLimit('maxRecords', recordLimit), UNBOUNDED, 'EMIT', {});
  }

  /** At most `byteLimit` bytes buffered (Java's size estimate); when full, the oldest are emitted early. */
  static maxBytes(byteLimit: number): EagerBufferConfig {
    return new BufferConfig(UNBOUNDED, checkLimit('maxBytes', byteLimit), 'EMIT', {});
  }

  /** No bound: the buffer grows as needed (required by untilWindowCloses, so no result is emitted early). */
  static unbounded(): StrictBufferConfig {
    return new BufferConfig(UNBOUNDED, UNBOUNDED, 'SHUT_DOWN', {});
  }

  withMaxRecords(recordLimit: number): BufferConfig<S> {
    return new BufferConfig(
      checkLimit('maxRecords', recordLimit),
      this.maxBytes,
      this.bufferFullStrategy,
      this.logConfig,
    );
  }

  withMaxBytes(byteLimit: number): BufferConfig<S> {
    return new BufferConfig(
      this.maxRecords,
      checkLimit('maxBytes', byteLimit),
      this.bufferFullStrategy,
      this.logConfig,
    );
  }

  withNoBound(): StrictBufferConfig {
    return new BufferConfig(UNBOUNDED, UNBOUNDED, 'SHUT_DOWN', this.logConfig);
  }

  /** When full, stop the application with an error rather than emit a result early. */
  shutDownWhenFull(): StrictBufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, 'SHUT_DOWN', this.logConfig);
  }

  /** When full, emit the oldest buffered updates early. */
  emitEarlyWhenFull(): EagerBufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, 'EMIT', this.logConfig);
  }

  /** No changelog: the buffer is lost on restart (results held back then are never emitted). */
  withLoggingDisabled(): BufferConfig<S> {
    return new BufferConfig(this.maxRecords, this.maxBytes, this.bufferFullStrategy, undefined);
  }

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): BufferConfig<S> {
    return new BufferConfig(this.maxRecords, this.maxBytes, this.bufferFullStrategy, config);
  }

  get loggingEnabled(): boolean {
    return this.logConfig !== undefined;
  }
}

export type StrictBufferConfig = BufferConfig<'SHUT_DOWN'>;
export type EagerBufferConfig = BufferConfig<'EMIT'>;

/** A suppression, passed to `KTable#suppress`. */
export class Suppressed<K> {
  /** @internal 'window-close': final results of windows; 'time-limit': rate limiting by record time. */
  readonly kind: 'window-close' | 'time-limit';
  readonly name: string | undefined;
  /** For time-limit suppression: how long (ms of stream time) to wait for more updates of a key. */
  readonly timeToWaitForMoreEventsMs: number;
  readonly bufferConfig: BufferConfig;
  /** Type marker only (never set): ties the suppression to the table's key type. */
  readonly keyType?: (key: K) => void;

  private constructor(
    kind: 'window-close' | 'time-limit',
    name: string | undefined,
    timeToWaitMs: number,
    bufferConfig: BufferConfig,
  ) {
    if (!(bufferConfig instanceof BufferConfig))
      throw new TypeError('Suppressed needs a BufferConfig (e.g. BufferConfig.unbounded())');
    this.kind = kind;
    this.name = name;
    this.timeToWaitForMoreEventsMs = timeToWaitMs;
    this.bufferConfig = bufferConfig;
  }

  /**
   * One final result per window of a windowed table, when the window closes (stream time past its end plus
   * grace). The buffer must be strict (`unbounded()` or `...shutDownWhenFull()`): emitting early would break
   * the "final" promise.
   */
  static untilWindowCloses<K extends Windowed<unknown>>(bufferConfig: StrictBufferConfig): Suppressed<K> {
    if (bufferConfig?.bufferFullStrategy !== 'SHUT_DOWN') {
      throw new TypeError(
        'Suppressed.untilWindowCloses needs a strict buffer (BufferConfig.unbounded() or ....shutDownWhenFull())',
      );
    }
    return new Suppressed<K>('window-close', undefined, 0, bufferConfig);
  }

  /**
   * The latest update of each key once `timeToWaitForMoreEventsMs` of stream time passed since its first
   * buffered update (or when an eager buffer is full). `0` disables suppression.
   */
  static untilTimeLimit<K>(timeToWaitForMoreEventsMs: number, bufferConfig: BufferConfig): Suppressed<K> {
    if (!Number.isSafeInteger(timeToWaitForMoreEventsMs) || timeToWaitForMoreEventsMs < 0) {
      throw new RangeError(
        `Suppressed.untilTimeLimit: the time to wait must be a non-negative integer of ms, got ${String(timeToWaitForMoreEventsMs)}`,
      );
    }
    return new Suppressed<K>('time-limit', undefined, timeToWaitForMoreEventsMs, bufferConfig);
  }

  /** Names the suppression processor; its buffer store is then `<name>-store`. */
  withName(name: string): Suppressed<K> {
    return new Suppressed<K>(
      this.kind,
      validateName(name, 'processor'),
      this.timeToWaitForMoreEventsMs,
      this.bufferConfig,
    );
  }
}
