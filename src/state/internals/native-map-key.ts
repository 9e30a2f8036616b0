/**
 * What an in-memory index of a store is keyed by. For the built-in number and string key serdes, the key
 * itself: two such keys have the same bytes exactly when they are equal as Map keys (for strings once lone
 * surrogates are replaced by U+FFFD, as UTF-8 encoding does), so no Buffer and no string per access. For any
 * other serde, the serialized key as a latin1 string (one char per byte), so that equal bytes mean equal keys,
 * as in Java.
 */
import type { SerdeLike } from '../../processor/internals/serde-like.ts';
import { integerSerde, longSerde, shortSerde } from '../../serdes/primitive-serdes.ts';
import { stringSerde } from '../../serdes/string-serde.ts';

export type MapKey = string | number;

/** Returns the Map key of a key the serde accepts, or undefined to let the serde serialize (and judge) it. */
export type NativeMapKey = (key: unknown) => MapKey | undefined;

const nativeInt32: NativeMapKey = (key) => (typeof key === 'number' && (key | 0) === key ? key : undefined);
const nativeInt16: NativeMapKey = (key) => (typeof key === 'number' && (key << 16) >> 16 === key ? key : undefined);
const nativeSafeInteger: NativeMapKey = (key) => (Number.isSafeInteger(key) ? (key as number) : undefined);
export const nativeString: NativeMapKey = (key) => (typeof key === 'string' ? key.toWellFormed() : undefined);

/** The native Map key of a built-in key serde, or undefined when keys must be keyed by their bytes. */
export function nativeMapKeyFor(serde: SerdeLike<unknown>): NativeMapKey | undefined {
  if (serde === integerSerde) return nativeInt32;
  if (serde === shortSerde) return nativeInt16;
  if (serde === longSerde) return nativeSafeInteger;
  if (serde === stringSerde) return nativeString;
  return undefined;
}
