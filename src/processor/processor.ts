/**
 * The Processor API (Java's `api.Processor`). A processor receives records one at a time on the task's
 * single thread; it must not keep the context beyond `close()` or process records concurrently.
 */
import type { StoreBuilder } from '../state/store-builder.ts';
import type { FixedKeyProcessorContext, ProcessorContext } from './processor-context.ts';
import type { FixedKeyRecord, Record } from './record.ts';

export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  /** Called once when the task starts, after its stores are restored: get stores, schedule punctuators. */
  init?(context: ProcessorContext<KOut, VOut>): void;
  /** Called for each record; forward results with `context.forward`. */
  process(record: Record<KIn, VIn>): void;
  /** Called when the task closes (rebalance, shutdown); release resources here. */
  close?(): void;
}

/** A processor that may change values but not keys (Java's `FixedKeyProcessor`), for `processValues`. */
export interface FixedKeyProcessor<KIn, VIn, VOut = never> {
  init?(context: FixedKeyProcessorContext<KIn, VOut>): void;
  process(record: FixedKeyRecord<KIn, VIn>): void;
  close?(): void;
}

/**
 * Makes a new processor for each task. A function, or an object whose `get()` makes one and whose optional
 * `stores()` names the stores the processor needs (Java's `ConnectedStoreProvider`): they are added to the
 * topology and connected automatically.
 */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> =
  | (() => Processor<KIn, VIn, KOut, VOut>)
  | { get(): Processor<KIn, VIn, KOut, VOut>; stores?(): readonly StoreBuilder[] };

export type FixedKeyProcessorSupplier<KIn, VIn, VOut = never> =
  | (() => FixedKeyProcessor<KIn, VIn, VOut>)
  | { get(): FixedKeyProcessor<KIn, VIn, VOut>; stores?(): readonly StoreBuilder[] };

/** Normalizes both supplier shapes. */
export function supplierGet<P>(supplier: (() => P) | { get(): P }): P {
  return typeof supplier === 'function' ? supplier() : supplier.get();
}

export function supplierStores(supplier: unknown): readonly StoreBuilder[] {
  if (
    supplier !== null &&
    typeof supplier === 'object' &&
    typeof (supplier as { stores?: unknown }).stores === 'function'
  ) {
    return (supplier as { stores(): readonly StoreBuilder[] }).stores();
  }
  return [];
}
