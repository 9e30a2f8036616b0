/**
 * A Map that holds more than V8's Map can: a V8 Map refuses its 2^24th entry ("Map maximum size exceeded"),
 * so past that, entries go to further Maps. Below the limit it is one Map, and a lookup costs one Map lookup;
 * past it, a key not in the first Map is looked for in the others (a handful at most: 2^24 keys each).
 */

/** Entries a V8 Map holds at most (OrderedHashMap's capacity limit; Map#set throws a RangeError past it). */
export const V8_MAP_MAX_ENTRIES = 2 ** 24;

export class SplitMap<K, V> {
  private readonly capacity: number;
  private readonly first = new Map<K, V>();
  private rest: Map<K, V>[] | undefined;

  /** `capacity`: entries per Map (V8's limit; smaller in tests). */
  constructor(capacity = V8_MAP_MAX_ENTRIES) {
    this.capacity = capacity;
  }

  get size(): number {
    let size = this.first.size;
    if (this.rest !== undefined) for (const map of this.rest) size += map.size;
    return size;
  }

  get(key: K): V | undefined {
    const value = this.first.get(key);
    if (value !== undefined || this.rest === undefined) return value;
    for (const map of this.rest) {
      const found = map.get(key);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Adds a key that is not in the map (the caller looked it up); updating goes through get's value. */
  add(key: K, value: V): void {
    if (this.first.size < this.capacity) {
      this.first.set(key, value);
      return;
    }
    this.rest ??= [];
    let map = this.rest.find((m) => m.size < this.capacity);
    if (map === undefined) {
      map = new Map();
      this.rest.push(map);
    }
    map.set(key, value);
  }

  delete(key: K): boolean {
    if (this.first.delete(key)) return true;
    if (this.rest !== undefined) for (const map of this.rest) if (map.delete(key)) return true;
    return false;
  }

  forEach(visit: (value: V, key: K) => void): void {
    this.first.forEach(visit);
    if (this.rest !== undefined) for (const map of this.rest) map.forEach(visit);
  }

  clear(): void {
    this.first.clear();
    this.rest = undefined;
  }
}
