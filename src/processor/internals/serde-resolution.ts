/**
 * Picks the serde for a topic or store: the one given in the option object, else the configured default
 * (`default.key.serde` / `default.value.serde`), else a string serde that refuses anything but strings and
 * bytes with an error naming the topic or store and the fix. (Java fails at startup without a serde; in
 * TypeScript types are erased, so the check happens on the first value that is not a string.)
 */
import type { SerdeLike } from './serde-like.ts';

export class SerdeMissingError extends Error {
  override name = 'SerdeMissingError';
}

export type SerdeRole = 'key' | 'value';

/**
 * A serde that completes itself from the config when the task starts, e.g. the serde of a KTable's changes on a
 * repartition topic, which wraps the (possibly default) value serde.
 */
export const RESOLVE_SERDE: unique symbol = Symbol('tributary.resolveSerde');
export interface DeferredSerde<T> {
  [RESOLVE_SERDE](config: Readonly<Record<string, unknown>>, role: SerdeRole, where: string, fix: string): SerdeLike<T>;
}

function isDeferred<T>(serde: unknown): serde is DeferredSerde<T> {
  return (
    serde !== null && typeof serde === 'object' && typeof (serde as DeferredSerde<T>)[RESOLVE_SERDE] === 'function'
  );
}

function fromConfig(configured: unknown, configKey: string): SerdeLike<unknown> | undefined {
  if (configured === undefined || configured === null) return undefined;
  if (typeof configured === 'object' && typeof (configured as SerdeLike<unknown>).serializer === 'function') {
    return configured as SerdeLike<unknown>;
  }
  if (typeof configured === 'function') {
    // A serde factory such as `Serdes.String`, or a serde class.
    try {
      const made = (configured as () => unknown)();
      if (made && typeof (made as SerdeLike<unknown>).serializer === 'function') return made as SerdeLike<unknown>;
    } catch {
      // a class: fall through to `new`
    }
    const made = new (configured as new () => unknown)();
    if (made && typeof (made as SerdeLike<unknown>).serializer === 'function') return made as SerdeLike<unknown>;
  }
  throw new SerdeMissingError(
    `config "${configKey}" must be a serde (an object with serializer/deserializer, e.g. Serdes.String()), got ${typeof configured}`,
  );
}

class StringOnlySerde implements SerdeLike<unknown> {
  readonly role: SerdeRole;
  readonly where: string;
  readonly fix: string;
  constructor(role: SerdeRole, where: string, fix: string) {
    this.role = role;
    this.where = where;
    this.fix = fix;
  }
  serializer(_topic: string, data: unknown): Buffer | null {
    if (typeof data === 'string') return Buffer.from(data, 'utf8');
    if (data === null || data === undefined) return null;
    if (Buffer.isBuffer(data)) return data;
    if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const kind = Array.isArray(data) ? 'an array' : typeof data === 'object' ? 'an object' : `a ${typeof data}`;
    throw new SerdeMissingError(
      `no ${this.role} serde for ${this.where}, and the ${this.role} is ${kind} (${preview(data)}), not a string: ` +
        `${this.fix}, or set "default.${this.role}.serde" in the config`,
    );
  }
  deserializer(_topic: string, data: Buffer | null): unknown {
    return data === null ? null : data.toString('utf8');
  }
}

function preview(data: unknown): string {
  try {
    const text = typeof data === 'bigint' ? `${data}n` : JSON.stringify(data);
    return text === undefined ? String(data) : text.length > 40 ? `${text.slice(0, 40)}…` : text;
  } catch {
    return String(data);
  }
}

/**
 * @param where names the topic or store, e.g. `sink "KSTREAM-SINK-0000000004" (topic "out")`
 * @param fix says which option object sets the serde, e.g. `pass Produced.with(keySerde, valueSerde) to to()`
 */
export function resolveSerde<T>(
  explicit: SerdeLike<T> | DeferredSerde<T> | undefined,
  config: Readonly<Record<string, unknown>>,
  role: SerdeRole,
  where: string,
  fix: string,
): SerdeLike<T> {
  if (isDeferred<T>(explicit)) return explicit[RESOLVE_SERDE](config, role, where, fix);
  if (explicit !== undefined) return explicit as SerdeLike<T>;
  const configKey = `default.${role}.serde`;
  const configured = fromConfig(config[configKey], configKey);
  if (configured !== undefined) return configured as SerdeLike<T>;
  return new StringOnlySerde(role, where, fix) as SerdeLike<T>;
}
