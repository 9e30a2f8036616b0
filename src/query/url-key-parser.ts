/**
 * Turns the text of a key in a query URL into the key the store's key serde takes (the QueryServer's rule):
 *
 * - String, UUID (and no key serde at all, i.e. strings): the text as is.
 * - Short, Integer, Long: a whole number (`-12`); Float, Double: any number (`1.5`, `1e3`); BigLong: a whole
 *   number of any size; Boolean: `true` or `false`; Bytes, ByteArray: base64.
 * - JSON: the text parsed as JSON (`{"id":1}`, `42`); text that is not JSON is taken as a string.
 * - Any other serde: the text as is (its serializer decides).
 *
 * A key that does not fit throws {@link MalformedQueryError} naming the key, the store and the serde.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { byteArraySerde, bytesSerdeInstance } from '../serdes/bytes-serde.ts';
import {
  bigLongSerde,
  booleanSerde,
  doubleSerde,
  floatSerde,
  integerSerde,
  longSerde,
  shortSerde,
} from '../serdes/primitive-serdes.ts';

/** A query the server cannot answer as asked: answered 400 with this message. */
export class MalformedQueryError extends Error {
  override name = 'MalformedQueryError';
}

export function parseUrlKey(text: string, serde: SerdeLike<unknown>, store: string): unknown {
  const serdeName = (serde as { name?: string }).name ?? 'a custom serde';
  const fail = (expected: string) =>
    new MalformedQueryError(
      `key ${JSON.stringify(text)} of store "${store}" is not ${expected} (its key serde is ${serdeName})`,
    );
  if (serde === shortSerde || serde === integerSerde || serde === longSerde) {
    const value = Number(text);
    if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value)) throw fail('a whole number');
    return value;
  }
  if (serde === floatSerde || serde === doubleSerde) {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw fail('a number');
    return value;
  }
  if (serde === bigLongSerde) {
    if (!/^-?\d+$/.test(text)) throw fail('a whole number');
    return BigInt(text);
  }
  if (serde === booleanSerde) {
    if (text !== 'true' && text !== 'false') throw fail('true or false');
    return text === 'true';
  }
  if (serde === bytesSerdeInstance || serde === byteArraySerde) {
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) throw fail('base64');
    return Buffer.from(text, 'base64');
  }
  if (serdeName === 'Serdes.JSON()') {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** A number query parameter (epoch milliseconds, or an ISO date for times): 400 naming the parameter when not. */
export function parseNumberParam(
  params: URLSearchParams,
  name: string,
  fallback: number | undefined,
  options: { time?: boolean; min?: number; max?: number } = {},
): number | undefined {
  const text = params.get(name);
  if (text === null || text === '') return fallback;
  let value = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(value) && options.time === true) value = Date.parse(text);
  if (!Number.isFinite(value)) {
    throw new MalformedQueryError(
      `query parameter "${name}" must be ${options.time ? 'a time (epoch milliseconds or an ISO date)' : 'a number'}, got ${JSON.stringify(text)}`,
    );
  }
  if (options.min !== undefined && value < options.min) {
    throw new MalformedQueryError(`query parameter "${name}" must be at least ${options.min}, got ${text}`);
  }
  if (options.max !== undefined && value > options.max) {
    throw new MalformedQueryError(`query parameter "${name}" must be at most ${options.max}, got ${text}`);
  }
  return value;
}
