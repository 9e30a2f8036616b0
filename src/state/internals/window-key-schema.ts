/**
 * The byte layout of window store keys in changelog topics (Java's `WindowKeySchema`):
 * `[serialized key][window start, 8 bytes big-endian][sequence number, 4 bytes big-endian]`. The sequence
 * number is 0 unless the store retains duplicates (stream-stream joins), where it tells equal keys apart.
 */

export const TIMESTAMP_SIZE = 8;
export const SEQNUM_SIZE = 4;
const SUFFIX_SIZE = TIMESTAMP_SIZE + SEQNUM_SIZE;

/** The changelog key of `keyBytes` in the window starting at `windowStart`, with sequence number `seqnum`. */
export function toStoreKeyBinary(keyBytes: Buffer, windowStart: number, seqnum: number): Buffer {
  const length = keyBytes.length;
  const out = Buffer.allocUnsafe(length + SUFFIX_SIZE);
  // Small keys: a byte loop beats Buffer#copy's native call.
  if (length < 32) for (let i = 0; i < length; i++) out[i] = keyBytes[i]!;
  else keyBytes.copy(out, 0);
  writeLongBE(out, windowStart, length);
  out.writeInt32BE(seqnum, length + TIMESTAMP_SIZE);
  return out;
}

/** The serialized key inside a changelog key (a view, not a copy). */
export function extractStoreKeyBytes(binaryKey: Buffer): Buffer {
  checkLength(binaryKey);
  return binaryKey.subarray(0, binaryKey.length - SUFFIX_SIZE);
}

/** The window start inside a changelog key. */
export function extractStoreTimestamp(binaryKey: Buffer): number {
  checkLength(binaryKey);
  return readLongBE(binaryKey, binaryKey.length - SUFFIX_SIZE);
}

/** The sequence number inside a changelog key. */
export function extractStoreSequence(binaryKey: Buffer): number {
  checkLength(binaryKey);
  return binaryKey.readInt32BE(binaryKey.length - SEQNUM_SIZE);
}

function checkLength(binaryKey: Buffer): void {
  if (binaryKey.length < SUFFIX_SIZE)
    throw new RangeError(
      `a window store changelog key needs at least ${SUFFIX_SIZE} bytes (window start and sequence number), got ${binaryKey.length}`,
    );
}

const TWO_POW_32 = 2 ** 32;

/** Writes an int64 (a safe integer, possibly negative) big-endian without a BigInt. */
export function writeLongBE(out: Buffer, value: number, offset: number): void {
  const high = Math.floor(value / TWO_POW_32);
  out.writeInt32BE(high, offset);
  out.writeUInt32BE(value - high * TWO_POW_32, offset + 4);
}

/** Reads an int64 big-endian as a number (window times are epoch milliseconds, well inside the safe range). */
export function readLongBE(data: Buffer, offset: number): number {
  return data.readInt32BE(offset) * TWO_POW_32 + data.readUInt32BE(offset + 4);
}
