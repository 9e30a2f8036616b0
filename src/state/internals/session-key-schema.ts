/**
 * The byte layout of session keys (Java's `SessionKeySchema`), used by session store changelogs and by the
 * session-windowed serde: `[serialized key][session end, 8 bytes big-endian][session start, 8 bytes big-endian]`.
 * End comes before start so that, within one key, byte order sorts sessions by end time as Java's stores do.
 */

const TIMESTAMP_SIZE = 8;
const SUFFIX_SIZE = 2 * TIMESTAMP_SIZE;

const TWO_TO_32 = 4_294_967_296;

/** Writes a timestamp as a big-endian int64 without a BigInt for the usual (safe, non-negative) values. */
function writeLongBE(out: Buffer, value: number, offset: number): void {
  if (value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
    out.writeUInt32BE(Math.floor(value / TWO_TO_32), offset);
    out.writeUInt32BE(value >>> 0, offset + 4);
  } else {
    out.writeBigInt64BE(BigInt(value), offset);
  }
}

function readLongBE(data: Buffer, offset: number): number {
  return data.readInt32BE(offset) * TWO_TO_32 + data.readUInt32BE(offset + 4);
}

/** The binary session key of `keyBytes` for the session `[start, end]`. */
export function sessionKeyToBinary(keyBytes: Buffer, start: number, end: number): Buffer {
  const length = keyBytes.length;
  const out = Buffer.allocUnsafe(length + SUFFIX_SIZE);
  // Small keys: a byte loop beats Buffer#copy's native call.
  if (length < 32) for (let i = 0; i < length; i++) out[i] = keyBytes[i]!;
  else keyBytes.copy(out, 0);
  writeLongBE(out, end, length);
  writeLongBE(out, start, length + TIMESTAMP_SIZE);
  return out;
}

function checkLength(binaryKey: Buffer): void {
  if (binaryKey.length < SUFFIX_SIZE) {
    throw new RangeError(
      `a session key needs at least ${SUFFIX_SIZE} bytes ([key][end 8][start 8]) but has ${binaryKey.length}`,
    );
  }
}

/** The serialized key inside a binary session key (a view, not a copy). */
export function extractSessionKeyBytes(binaryKey: Buffer): Buffer {
  checkLength(binaryKey);
  return binaryKey.subarray(0, binaryKey.length - SUFFIX_SIZE);
}

export function extractSessionEnd(binaryKey: Buffer): number {
  checkLength(binaryKey);
  return readLongBE(binaryKey, binaryKey.length - SUFFIX_SIZE);
}

export function extractSessionStart(binaryKey: Buffer): number {
  checkLength(binaryKey);
  return readLongBE(binaryKey, binaryKey.length - TIMESTAMP_SIZE);
}
