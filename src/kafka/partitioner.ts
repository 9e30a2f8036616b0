/**
 * Java's default partitioning of keyed records (kafka-clients `BuiltInPartitioner.partitionForKey`):
 * `toPositive(murmur2(keyBytes)) % numPartitions`, murmur2 being Kafka's own variant (seed 0x9747b28c).
 * Keys land on the same partition as records written by Java producers and Kafka Streams, which is what
 * co-partitioning with Java applications and joins against their topics rely on.
 *
 * Records with a null key are not placed here: Java spreads them (sticky batches); the caller decides
 * (round robin, sticky, or an explicit partition).
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 hash (`org.apache.kafka.common.utils.Utils.murmur2`), as a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const end = length & ~3;
  // Math.imul and |0 reproduce Java's wrapping int arithmetic; >>> is Java's unsigned shift.
  for (let i = 0; i < end; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The 1-3 tail bytes, as Java's fall-through switch folds them.
  const tail = length & 3;
  if (tail === 3) h ^= data[end + 2] << 16;
  if (tail >= 2) h ^= data[end + 1] << 8;
  if (tail >= 1) {
    h ^= data[end];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's `Utils.toPositive`: clears the sign bit (not Math.abs, which differs for negative numbers). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition Java's default partitioner picks for a record with these (serialized) key bytes. */
export function partitionForKey(keyBytes: Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  }
  return toPositive(murmur2(keyBytes)) % numPartitions;
}
