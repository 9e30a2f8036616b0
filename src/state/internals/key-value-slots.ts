/**
 * The entries of the in-memory key-value store, kept column by column instead of one object per entry: a
 * store of millions of keys then costs a few words per key (no object header, no boxed timestamp, no Buffer).
 * Entry `slot` is mapKey(slot), value(slot), timestamp(slot), and key(slot) for stores whose Map key is not the
 * key itself. Each column is split in chunks of 65,536 slots so that growing never copies a whole column
 * (which would briefly need it twice: a spike in peak memory); the first chunk starts small, for small stores.
 * Freed slots are reused.
 *
 * It also tracks the slots changed since the last flush, in the order they first changed, with one byte per
 * slot and one int32 per change (no object per change).
 */

const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
const FIRST_CHUNK_CAPACITY = 64;
const FIRST_CHANGED_CAPACITY = 1024;

export class KeyValueSlots<M, K, V> {
  private readonly mapKeyChunks: (M | undefined)[][] = [];
  /** Only for stores keyed by serialized bytes, where the Map key (a latin1 string) is not the key. */
  private readonly keyChunks: (K | undefined)[][] | undefined;
  private readonly valueChunks: (V | undefined)[][] = [];
  private readonly timestampChunks: Float64Array[] = [];
  private readonly changedFlagChunks: Uint8Array[] = [];
  private allocated = 0;
  private freed: number[] = [];
  private changed = new Int32Array(FIRST_CHANGED_CAPACITY);
  private changedLength = 0;

  constructor(keepKeys: boolean) {
    this.keyChunks = keepKeys ? [] : undefined;
  }

  /** A free slot, its columns empty. */
  allocate(): number {
    if (this.freed.length > 0) return this.freed.pop() as number;
    const slot = this.allocated++;
    const chunk = slot >>> CHUNK_BITS;
    const index = slot & CHUNK_MASK;
    if (index === 0) {
      const capacity = chunk === 0 ? FIRST_CHUNK_CAPACITY : CHUNK_SIZE;
      this.mapKeyChunks.push([]);
      this.keyChunks?.push([]);
      this.valueChunks.push([]);
      this.timestampChunks.push(new Float64Array(capacity));
      this.changedFlagChunks.push(new Uint8Array(capacity));
    } else if (index === this.timestampChunks[chunk].length) {
      // Only the first chunk grows (the others are allocated whole); plain arrays grow on their own.
      const capacity = Math.min(index * 2, CHUNK_SIZE);
      const timestamps = new Float64Array(capacity);
      timestamps.set(this.timestampChunks[chunk]);
      this.timestampChunks[chunk] = timestamps;
      const flags = new Uint8Array(capacity);
      flags.set(this.changedFlagChunks[chunk]);
      this.changedFlagChunks[chunk] = flags;
    }
    // Appending (index === length) keeps the plain arrays packed.
    this.mapKeyChunks[chunk][index] = undefined;
    if (this.keyChunks !== undefined) this.keyChunks[chunk][index] = undefined;
    this.valueChunks[chunk][index] = undefined;
    return slot;
  }

  /** Empties a slot (dropping its references) for reuse; the caller removed it from the index. */
  free(slot: number): void {
    const chunk = slot >>> CHUNK_BITS;
    const index = slot & CHUNK_MASK;
    this.mapKeyChunks[chunk][index] = undefined;
    if (this.keyChunks !== undefined) this.keyChunks[chunk][index] = undefined;
    this.valueChunks[chunk][index] = undefined;
    this.freed.push(slot);
  }

  mapKey(slot: number): M {
    return this.mapKeyChunks[slot >>> CHUNK_BITS][slot & CHUNK_MASK] as M;
  }

  key(slot: number): K {
    return (this.keyChunks as K[][])[slot >>> CHUNK_BITS][slot & CHUNK_MASK];
  }

  /** undefined for a slot that holds a deletion not yet logged (a live entry never has an undefined value). */
  value(slot: number): V | undefined {
    return this.valueChunks[slot >>> CHUNK_BITS][slot & CHUNK_MASK];
  }

  timestamp(slot: number): number {
    return this.timestampChunks[slot >>> CHUNK_BITS][slot & CHUNK_MASK];
  }

  setKeys(slot: number, mapKey: M, key: K): void {
    const chunk = slot >>> CHUNK_BITS;
    const index = slot & CHUNK_MASK;
    this.mapKeyChunks[chunk][index] = mapKey;
    if (this.keyChunks !== undefined) this.keyChunks[chunk][index] = key;
  }

  set(slot: number, value: V | undefined, timestamp: number): void {
    const chunk = slot >>> CHUNK_BITS;
    const index = slot & CHUNK_MASK;
    this.valueChunks[chunk][index] = value;
    this.timestampChunks[chunk][index] = timestamp;
  }

  /** Remembers that a slot changed since the last flush (once per slot). */
  markChanged(slot: number): void {
    const flags = this.changedFlagChunks[slot >>> CHUNK_BITS];
    const index = slot & CHUNK_MASK;
    if (flags[index] !== 0) return;
    flags[index] = 1;
    if (this.changedLength === this.changed.length) {
      const grown = new Int32Array(this.changed.length * 2);
      grown.set(this.changed);
      this.changed = grown;
    }
    this.changed[this.changedLength++] = slot;
  }

  isChanged(slot: number): boolean {
    return this.changedFlagChunks[slot >>> CHUNK_BITS][slot & CHUNK_MASK] !== 0;
  }

  changedCount(): number {
    return this.changedLength;
  }

  /** The i-th changed slot, in the order the slots first changed. */
  changedSlot(i: number): number {
    return this.changed[i];
  }

  /** Forgets the changes (after a flush), releasing a large change list. */
  clearChanged(): void {
    for (let i = 0; i < this.changedLength; i++) {
      const slot = this.changed[i];
      this.changedFlagChunks[slot >>> CHUNK_BITS][slot & CHUNK_MASK] = 0;
    }
    this.changedLength = 0;
    if (this.changed.length > FIRST_CHANGED_CAPACITY) this.changed = new Int32Array(FIRST_CHANGED_CAPACITY);
  }

  clear(): void {
    this.mapKeyChunks.length = 0;
    this.keyChunks?.splice(0);
    this.valueChunks.length = 0;
    this.timestampChunks.length = 0;
    this.changedFlagChunks.length = 0;
    this.allocated = 0;
    this.freed = [];
    this.changed = new Int32Array(FIRST_CHANGED_CAPACITY);
    this.changedLength = 0;
  }
}
