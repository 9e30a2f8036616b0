/**
 * The byte layout of session keys (Java's `SessionKeySchema`), used by session store changelogs and by the
 * session-windowed serde: `[serialized key][session end, 8 bytes big-endian][session start, 8 bytes big-endian]`.
 * End comes before start so that, within one key, byte order sorts sessions by end time as Java's stores do.
 */

const TIMESTAMP_SIZE = 8;
const SUFFIX_SIZE = 2 * TIMESTAMP_SIZE;

/** The binary session key of `keyBytes` for the session `[start, end]`. */
export function sessionKeyToBinary(keyBytes: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(keyBytes.length + SUFFIX_SIZE);
  keyBytes.copy(out, 0);
  out.writeBigInt64BE(BigInt(end), keyBytes.length);
  out.writeBigInt64BE(BigInt(start), keyBytes.length + TIMESTAMP_SIZE);
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
  return Number(binaryKey.readBigInt64BE(binaryKey.length - SUFFIX_SIZE));
}

export function extractSessionStart(binaryKey: Buffer): number {
  checkLength(binaryKey);
  return Number(binaryKey.readBigInt64BE(binaryKey.length - TIMESTAMP_SIZE));
}
