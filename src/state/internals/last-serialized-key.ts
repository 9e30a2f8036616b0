/**
 * The last serialized primitive key of a store: an aggregation reads and then writes the same key (in several
 * windows when they hop; finds, removes and puts sessions of one key in a row), so remembering it saves most
 * serializations on the hot path. Objects are not remembered: they could change between calls.
 */
import type { SerdeLike } from '../../processor/internals/serde-like.ts';

export class LastSerializedKey {
  private key: unknown = undefined;
  private bytes: Buffer | undefined;
  /** The latin1 string of `bytes`, made on first use (natively keyed stores never need it). */
  private latin1: string | undefined;

  /** The remembered bytes of this key, or undefined when it is not the last primitive key serialized. */
  bytesOf(key: unknown): Buffer | undefined {
    // Object.is: 0 and -0 (and NaN) serialize differently under a double serde.
    return Object.is(key, this.key) ? this.bytes : undefined;
  }

  /**
   * The bytes of a key: remembered, else serialized (and remembered). A null key, or one the serde turns into
   * null, is an error naming the store (`what`: e.g. `window store`).
   */
  serialize<K>(key: K, serde: SerdeLike<K>, topic: string, what: string, storeName: string): Buffer {
    const remembered = this.bytesOf(key);
    if (remembered !== undefined) return remembered;
    if (key === null || key === undefined) throw new TypeError(`${what} "${storeName}" does not accept a null key`);
    const bytes = serde.serializer(topic, key);
    if (bytes === null) throw new TypeError(`${what} "${storeName}": the key serde turned a key into null`);
    this.remember(key, bytes);
    return bytes;
  }

  /** Remembers the bytes a key serialized to, when the key is a primitive. */
  remember(key: unknown, bytes: Buffer): void {
    if (typeof key === 'object') return;
    this.key = key;
    this.bytes = bytes;
    this.latin1 = undefined;
  }

  /** The bytes as a latin1 string (one char per byte): made once for the remembered bytes. */
  latin1Of(bytes: Buffer): string {
    if (bytes !== this.bytes) return bytes.toString('latin1');
    if (this.latin1 === undefined) this.latin1 = bytes.toString('latin1');
    return this.latin1;
  }
}
