/**
 * Option objects of the DSL, Kafka Streams style. Each is a plain object type (so `{ name: 'x' }` works) with a
 * Java-like factory (`Named.as('x')`). Names must be legal in topic names: letters, digits, `.`, `_`, `-`.
 */
const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;

export function validateName(name: string, what: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${what} name must be a non-empty string`);
  if (name.length > 249) throw new TypeError(`${what} name "${name.slice(0, 40)}…" is longer than 249 characters`);
  if (!LEGAL_NAME.test(name)) {
    throw new TypeError(`${what} name "${name}" is illegal: use only letters, digits, ".", "_" and "-"`);
  }
  return name;
}

/** The name of a processor (Java's `Named`). */
export interface Named {
  readonly name?: string;
}

export const Named = {
  as(name: string): Named {
    return { name: validateName(name, 'processor') };
  },
} as const;
