/**
 * The processors behind KStream's stateless operators. Each is a small class holding the user's function,
 * so nothing is allocated per record besides the records forwarded.
 */
import type { Processor } from '../../processor/processor.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import { Record } from '../../processor/record.ts';

type Ctx = ProcessorContext<unknown, unknown>;

abstract class ForwardingProcessor<K, V> implements Processor<K, V, unknown, unknown> {
  protected context!: Ctx;
  init(context: Ctx): void {
    this.context = context;
  }
  abstract process(record: Record<K, V>): void;
}

export class FilterProcessor<K, V> extends ForwardingProcessor<K, V> {
  private readonly predicate: (key: K, value: V) => boolean;
  private readonly negate: boolean;
  constructor(predicate: (key: K, value: V) => boolean, negate: boolean) {
    super();
    this.predicate = predicate;
    this.negate = negate;
  }
  process(record: Record<K, V>): void {
    if (this.predicate(record.key, record.value) !== this.negate) this.context.forward(record);
  }
}

/** Drops records with a null key before a repartition topic (they could not be partitioned by key). */
export class NonNullKeyFilter<K, V> extends ForwardingProcessor<K, V> {
  process(record: Record<K, V>): void {
    if (record.key !== null && record.key !== undefined) this.context.forward(record);
  }
}

export class MapProcessor<K, V, KR, VR> extends ForwardingProcessor<K, V> {
  private readonly mapper: (key: K, value: V) => readonly [KR, VR] | { key: KR; value: VR };
  constructor(mapper: (key: K, value: V) => readonly [KR, VR] | { key: KR; value: VR }) {
    super();
    this.mapper = mapper;
  }
  process(record: Record<K, V>): void {
    const result = this.mapper(record.key, record.value);
    if (result === null || result === undefined) {
      throw new TypeError('map() must return a [key, value] pair or { key, value }, got nothing');
    }
    if (Array.isArray(result)) this.context.forward(new Record(result[0], result[1], record.timestamp, record.headers));
    else {
      const pair = result as { key: KR; value: VR };
      this.context.forward(new Record(pair.key, pair.value, record.timestamp, record.headers));
    }
  }
}

export class MapValuesProcessor<K, V, VR> extends ForwardingProcessor<K, V> {
  private readonly mapper: (value: V, key: K) => VR;
  constructor(mapper: (value: V, key: K) => VR) {
    super();
    this.mapper = mapper;
  }
  process(record: Record<K, V>): void {
    this.context.forward(record.withValue(this.mapper(record.value, record.key)));
  }
}

export class SelectKeyProcessor<K, V, KR> extends ForwardingProcessor<K, V> {
  private readonly selector: (key: K, value: V) => KR;
  constructor(selector: (key: K, value: V) => KR) {
    super();
    this.selector = selector;
  }
  process(record: Record<K, V>): void {
    this.context.forward(record.withKey(this.selector(record.key, record.value)));
  }
}

export class FlatMapProcessor<K, V, KR, VR> extends ForwardingProcessor<K, V> {
  private readonly mapper: (key: K, value: V) => Iterable<readonly [KR, VR] | { key: KR; value: VR }>;
  constructor(mapper: (key: K, value: V) => Iterable<readonly [KR, VR] | { key: KR; value: VR }>) {
    super();
    this.mapper = mapper;
  }
  process(record: Record<K, V>): void {
    const results = this.mapper(record.key, record.value);
    if (results === null || results === undefined) throw new TypeError('flatMap() must return an iterable of pairs');
    for (const result of results) {
      if (Array.isArray(result))
        this.context.forward(new Record(result[0], result[1], record.timestamp, record.headers));
      else {
        const pair = result as { key: KR; value: VR };
        this.context.forward(new Record(pair.key, pair.value, record.timestamp, record.headers));
      }
    }
  }
}

export class FlatMapValuesProcessor<K, V, VR> extends ForwardingProcessor<K, V> {
  private readonly mapper: (value: V, key: K) => Iterable<VR>;
  constructor(mapper: (value: V, key: K) => Iterable<VR>) {
    super();
    this.mapper = mapper;
  }
  process(record: Record<K, V>): void {
    const results = this.mapper(record.value, record.key);
    if (results === null || results === undefined) throw new TypeError('flatMapValues() must return an iterable');
    if (Array.isArray(results)) {
      for (let i = 0; i < results.length; i++) this.context.forward(record.withValue(results[i]));
    } else {
      for (const value of results) this.context.forward(record.withValue(value));
    }
  }
}

/** peek (forwards) and foreach (terminal). */
export class PeekProcessor<K, V> extends ForwardingProcessor<K, V> {
  private readonly action: (key: K, value: V) => void;
  private readonly forwardDownstream: boolean;
  constructor(action: (key: K, value: V) => void, forwardDownstream: boolean) {
    super();
    this.action = action;
    this.forwardDownstream = forwardDownstream;
  }
  process(record: Record<K, V>): void {
    this.action(record.key, record.value);
    if (this.forwardDownstream) this.context.forward(record);
  }
}

export class PassThroughProcessor<K, V> extends ForwardingProcessor<K, V> {
  process(record: Record<K, V>): void {
    this.context.forward(record);
  }
}

/** split(): sends each record to the first branch whose predicate holds, else to the default branch. */
export class BranchProcessor<K, V> extends ForwardingProcessor<K, V> {
  private readonly predicates: readonly ((key: K, value: V) => boolean)[];
  private readonly childNames: readonly string[];
  private readonly defaultChild: string | undefined;
  constructor(
    predicates: readonly ((key: K, value: V) => boolean)[],
    childNames: readonly string[],
    defaultChild: string | undefined,
  ) {
    super();
    this.predicates = predicates;
    this.childNames = childNames;
    this.defaultChild = defaultChild;
  }
  process(record: Record<K, V>): void {
    const predicates = this.predicates;
    for (let i = 0; i < predicates.length; i++) {
      if (predicates[i](record.key, record.value)) {
        this.context.forward(record, this.childNames[i]);
        return;
      }
    }
    if (this.defaultChild !== undefined) this.context.forward(record, this.defaultChild);
  }
}

/** KTable#toStream: forwards the new value of each change. */
export class ToStreamProcessor<K, V, KR> extends ForwardingProcessor<K, { newValue: V | null }> {
  private readonly keyMapper: ((key: K, value: V | null) => KR) | undefined;
  constructor(keyMapper: ((key: K, value: V | null) => KR) | undefined) {
    super();
    this.keyMapper = keyMapper;
  }
  process(record: Record<K, { newValue: V | null }>): void {
    const value = record.value.newValue;
    if (this.keyMapper === undefined) this.context.forward(record.withValue(value));
    else this.context.forward(new Record(this.keyMapper(record.key, value), value, record.timestamp, record.headers));
  }
}
