/**
 * Java's Metered*Store at recording level DEBUG: counts the calls of a store's operations (put, get, range, ...)
 * for put-rate, get-rate, etc. The store instance's methods are replaced by counting ones, once per store when
 * its task is created, so at INFO (the default, as in Kafka Streams) stores run untouched.
 */

/** Store operations metered, and the metric name prefix of each (Kafka Streams' names). */
const OPERATIONS: Readonly<Record<string, string>> = {
  put: 'put',
  putWithTimestamp: 'put',
  putIfAbsent: 'put-if-absent',
  putAll: 'put-all',
  get: 'get',
  getWithTimestamp: 'get',
  delete: 'delete',
  range: 'range',
  reverseRange: 'range',
  all: 'all',
  reverseAll: 'all',
  prefixScan: 'prefix-scan',
  fetch: 'fetch',
  backwardFetch: 'fetch',
  fetchWithTimestamps: 'fetch',
  backwardFetchWithTimestamps: 'fetch',
  fetchSession: 'fetch-session',
  findSessions: 'fetch-session',
  remove: 'remove',
  flush: 'flush',
};

/** Calls per operation metric name (e.g. 'put' → 12), for one store in one task. */
export type StoreOperationCounts = Map<string, { calls: number }>;

export function meterStore(store: object): StoreOperationCounts {
  const counts: StoreOperationCounts = new Map();
  const target = store as Record<string, unknown>;
  // Only the outermost call counts: a store's put() calling its own putWithTimestamp() is one put.
  let depth = 0;
  for (const [method, metric] of Object.entries(OPERATIONS)) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    let counter = counts.get(metric);
    if (counter === undefined) {
      counter = { calls: 0 };
      counts.set(metric, counter);
    }
    const calls = counter;
    target[method] = function metered(this: unknown, ...args: unknown[]) {
      if (depth === 0) calls.calls++;
      depth++;
      try {
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } finally {
        depth--;
      }
    };
  }
  return counts;
}
