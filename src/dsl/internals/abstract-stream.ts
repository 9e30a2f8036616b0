/**
 * What every DSL stream shares (Java's `AbstractStream`): the builder it belongs to, the node whose output it
 * is, and the serdes known from upstream. KStream, KTable, KGroupedStream and KGroupedTable extend it.
 */
import type { SerdeLike } from '../../processor/internals/serde-like.ts';
import type { InternalStreamsBuilder } from './internal-streams-builder.ts';

export abstract class AbstractStream<K, V> {
  /** @internal */
  readonly builder: InternalStreamsBuilder;
  /** @internal the node whose output this stream is. */
  readonly nodeName: string;
  /** @internal serdes known from upstream (dropped when an operator changes the key or value). */
  readonly keySerde: SerdeLike<K> | undefined;
  /** @internal */
  readonly valueSerde: SerdeLike<V> | undefined;

  constructor(
    builder: InternalStreamsBuilder,
    nodeName: string,
    keySerde: SerdeLike<K> | undefined,
    valueSerde: SerdeLike<V> | undefined,
  ) {
    this.builder = builder;
    this.nodeName = nodeName;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
  }
}
