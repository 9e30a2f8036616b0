/**
 * The function a join calls with the two matching values (Java's `ValueJoiner` and `ValueJoinerWithKey` in
 * one): the key comes last, so `(order, customer) => ...` and `(order, customer, key) => ...` both fit. Its
 * return type becomes the joined stream's or table's value type. In left and outer joins the missing side is
 * `null`.
 */
export type ValueJoiner<V1, V2, VR, K = unknown> = (value: V1, otherValue: V2, key: K) => VR;

/** Picks the GlobalKTable key to look up for a stream record (Java's `KeyValueMapper` of a global join). */
export type KeySelector<K, V, KG> = (key: K, value: V) => KG;
