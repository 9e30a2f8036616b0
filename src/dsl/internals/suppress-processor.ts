/**
 * The processor of `KTable#suppress` (Java's `KTableSuppressProcessor`) and the DSL step that adds it with its
 * buffer store (Java's `KTableImpl#suppress`). Each update goes into the buffer at its buffer time (the
 * window end for untilWindowCloses, the record time for untilTimeLimit); then every entry whose buffer time is
 * at most stream time − wait is emitted, oldest first, with the timestamp and headers it arrived with. Stream
 * time is the largest record timestamp this processor has seen: results wait for event time to move on, never
 * for the wall clock. Final results never emit deletions (a window that never closed has nothing to say).
 */
import { StreamsException } from '../../errors/streams-exception.ts';
import type { Processor } from '../../processor/processor.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import { Record } from '../../processor/record.ts';
import {
  type Eviction,
  type InMemoryTimeOrderedKeyValueBuffer,
  TimeOrderedKeyValueBufferBuilder,
} from '../../state/internals/in-memory-time-ordered-key-value-buffer.ts';
import { KTable } from '../ktable.ts';
import type { BufferFullStrategy, Suppressed } from '../suppressed.ts';
import type { Windowed } from '../windowed.ts';
import type { Change } from './change.ts';
import type { KTableValueGetter, KTableValueGetterSupplier } from './ktable-value-getter.ts';
import type { TableSpec } from './table-processors.ts';
import { findAndVerifyWindowGrace } from './window-grace.ts';

const SUPPRESS_NAME = 'KTABLE-SUPPRESS-';

interface SuppressionSettings<K, V> {
  readonly processorName: string;
  readonly storeName: string;
  readonly suppressDurationMs: number;
  readonly bufferTime: (record: Record<K, Change<V>>) => number;
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly bufferFullStrategy: BufferFullStrategy;
  readonly safeToDropTombstones: boolean;
}

export class KTableSuppressProcessor<K, V> implements Processor<K, Change<V>, K, Change<V>> {
  private readonly settings: SuppressionSettings<K, V>;
  private context!: ProcessorContext<K, Change<V>>;
  private buffer!: InMemoryTimeOrderedKeyValueBuffer<K, V>;
  private observedStreamTime = -1;

  constructor(settings: SuppressionSettings<K, V>) {
    this.settings = settings;
  }

  init(context: ProcessorContext<K, Change<V>>): void {
    this.context = context;
    this.buffer = context.getStateStore<InMemoryTimeOrderedKeyValueBuffer<K, V>>(this.settings.storeName);
  }

  process(record: Record<K, Change<V>>): void {
    if (record.timestamp > this.observedStreamTime) this.observedStreamTime = record.timestamp;
    const metadata = this.context.recordMetadata();
    this.buffer.put(this.settings.bufferTime(record), record.key, record.value, {
      timestamp: record.timestamp,
      headers: record.headers,
      topic: metadata?.topic,
      partition: metadata?.partition ?? -1,
      offset: metadata?.offset ?? -1,
    });
    this.enforceConstraints();
  }

  private overCapacity(): boolean {
    const buffer = this.buffer;
    return buffer.numRecords() > this.settings.maxRecords || buffer.bufferSize() > this.settings.maxBytes;
  }

  private enforceConstraints(): void {
    const buffer = this.buffer;
    const expiryTime = this.observedStreamTime - this.settings.suppressDurationMs;
    const emit = (eviction: Eviction<K, V>) => this.emit(eviction);
    buffer.evictWhile(() => buffer.minTimestamp() <= expiryTime, emit);
    if (!this.overCapacity()) return;
    if (this.settings.bufferFullStrategy === 'EMIT') {
      buffer.evictWhile(() => this.overCapacity(), emit);
      return;
    }
    const { maxRecords, maxBytes } = this.settings;
    throw new StreamsException(
      `${this.settings.processorName} buffer exceeded its max capacity. Currently [${buffer.numRecords()}/${maxRecords}] ` +
        `records and [${buffer.bufferSize()}/${maxBytes}] bytes. Give the suppression a larger BufferConfig, or ` +
        'use emitEarlyWhenFull() if early results are acceptable',
    );
  }

  private emit(eviction: Eviction<K, V>): void {
    if (eviction.value.newValue === null && this.settings.safeToDropTombstones) return;
    const context = eviction.context;
    this.context.forward(new Record(eviction.key, eviction.value, context.timestamp, context.headers));
  }
}

/** KTable#suppress: adds the suppression processor and its buffer after `table`'s node. */
export function suppressTable<K, V>(table: KTable<K, V>, suppressed: Suppressed<K>): KTable<K, V> {
  const builder = table.builder;
  // Java numbers the processor only when it is not named, and names the store `<name>-store` when it is.
  const name = suppressed.name ?? builder.newProcessorName(SUPPRESS_NAME);
  const finalResults = suppressed.kind === 'window-close';
  const suppressDurationMs = finalResults
    ? findAndVerifyWindowGrace(builder, table.nodeName)
    : suppressed.timeToWaitForMoreEventsMs;
  const storeName = suppressed.name !== undefined ? `${suppressed.name}-store` : builder.newStoreName(SUPPRESS_NAME);
  // The buffer keeps the value before the first buffered update (the suppressed view), so it needs old values.
  table.enableSendingOldValues(true);
  const bufferConfig = suppressed.bufferConfig;
  const settings: SuppressionSettings<K, V> = {
    processorName: name,
    storeName,
    suppressDurationMs,
    bufferTime: finalResults
      ? (record) => (record.key as unknown as Windowed<unknown>).window.end
      : (record) => record.timestamp,
    maxRecords: bufferConfig.maxRecords,
    maxBytes: bufferConfig.maxBytes,
    bufferFullStrategy: bufferConfig.bufferFullStrategy,
    safeToDropTombstones: finalResults,
  };
  builder.addProcessor(name, () => new KTableSuppressProcessor<K, V>(settings), table.nodeName);
  const storeBuilder = new TimeOrderedKeyValueBufferBuilder<K, V>(
    storeName,
    table.keySerde,
    table.valueSerde,
    bufferConfig.loggingEnabled,
    bufferConfig.logConfig ?? {},
  );
  builder.topology.addStateStoreInternal(storeBuilder, suppressed.name === undefined, name);
  if (suppressed.name === undefined) {
    builder.topology.generatedInternalNames.push(`store "${storeName}"`);
    if (bufferConfig.loggingEnabled)
      builder.topology.generatedInternalNames.push(`changelog topic of store "${storeName}"`);
  }
  const spec: TableSpec = { sendOldValues: false, storeName: undefined };
  const parentEnable = table.enableSendingOldValues;
  return new KTable<K, V>(
    builder,
    name,
    table.keySerde,
    table.valueSerde,
    spec,
    (force) => {
      // Old values come from the parent (the suppressed updates carry them through the buffer).
      if (parentEnable(force)) spec.sendOldValues = true;
      return spec.sendOldValues;
    },
    () => suppressedValueGetterSupplier(storeName, table.valueGetterSupplier()),
  );
}

/**
 * How joins read a suppressed table (Java's suppression view): a buffered key reads as it was before its first
 * held-back update (its timestamp unknown: -1); any other key reads as the parent table.
 */
function suppressedValueGetterSupplier<K, V>(
  storeName: string,
  parent: KTableValueGetterSupplier<K, V>,
): KTableValueGetterSupplier<K, V> {
  return {
    storeNames: [storeName, ...parent.storeNames],
    get(): KTableValueGetter<K, V> {
      const parentGetter = parent.get();
      let buffer: InMemoryTimeOrderedKeyValueBuffer<K, V>;
      return {
        init(context) {
          parentGetter.init(context);
          buffer = context.getStateStore<InMemoryTimeOrderedKeyValueBuffer<K, V>>(storeName);
        },
        get(key) {
          const prior = buffer.priorValueForBuffered(key);
          if (prior === undefined) return parentGetter.get(key);
          return prior.value === null ? undefined : { value: prior.value, timestamp: -1 };
        },
      };
    },
  };
}
