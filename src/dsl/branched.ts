/**
 * A branch of `split()` (Java's `Branched`): its name suffix, and optionally a function or consumer applied to
 * the branch stream (the function's result is what the branch map holds).
 */
import type { KStream } from './kstream.ts';
import { validateName } from './named.ts';

export interface Branched<K, V> {
  readonly name?: string;
  readonly chain?: (stream: KStream<K, V>) => unknown;
}

/** Without type arguments the result fits any Branched<K, V>; give them (`Branched.as<string, Order>(...)`) to pin it. */
function branchedAs(name: string): Branched<any, any>;
function branchedAs<K, V>(name: string): Branched<K, V>;
function branchedAs(name: string): Branched<any, any> {
  return { name: validateName(name, 'branch') };
}

export const Branched = {
  as: branchedAs,
  withFunction<K, V>(chain: (stream: KStream<K, V>) => KStream<any, any>, name?: string): Branched<K, V> {
    return name === undefined ? { chain } : { chain, name: validateName(name, 'branch') };
  },
  withConsumer<K, V>(consumer: (stream: KStream<K, V>) => void, name?: string): Branched<K, V> {
    return name === undefined ? { chain: consumer } : { chain: consumer, name: validateName(name, 'branch') };
  },
} as const;
