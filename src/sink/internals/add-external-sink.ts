/**
 * What `KStream#toSink` adds to the topology: a terminal processor that hands each record, with the input
 * record it came from, to its task's ExternalSinkBuffer (a store connected to that processor only).
 */
import type { InternalStreamsBuilder } from '../../dsl/internals/internal-streams-builder.ts';
import type { Processor } from '../../processor/processor.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { Record } from '../../processor/record.ts';
import type { StoreBuilder } from '../../state/store-builder.ts';
import type { ExternalSink, ToSinkOptions } from '../external-sink.ts';
import { ExternalSinkBuffer, type ResolvedSinkOptions, resolveSinkOptions } from './external-sink-buffer.ts';

export function addExternalSink<K, V>(
  builder: InternalStreamsBuilder,
  parentNode: string,
  sink: ExternalSink<K, V>,
  options: ToSinkOptions | undefined,
): void {
  if (sink === null || typeof sink !== 'object' || typeof sink.write !== 'function')
    throw new TypeError('toSink(sink): the sink must be an object with write(records, context)');
  const name = builder.name(options?.name, 'KSTREAM-EXTERNALSINK-');
  const resolved = resolveSinkOptions(options?.name ?? sink.name ?? name, options);
  const storeName = `${name}-BUFFER`;
  const topology = builder.topology;
  topology.addProcessor(name, () => new ExternalSinkProcessor<K, V>(storeName), parentNode);
  topology.addStateStore(new ExternalSinkBufferBuilder(storeName, sink, resolved));
  topology.connectProcessorAndStateStores(name, storeName);
}

class ExternalSinkProcessor<K, V> implements Processor<K, V> {
  readonly #storeName: string;
  #context: ProcessorContext<never, never> | undefined;
  #buffer: ExternalSinkBuffer<K, V> | undefined;

  constructor(storeName: string) {
    this.#storeName = storeName;
  }

  init(context: ProcessorContext<never, never>): void {
    this.#context = context;
    this.#buffer = context.getStateStore<ExternalSinkBuffer<K, V>>(this.#storeName);
  }

  process(record: Record<K, V>): void {
    const input = this.#context!.recordMetadata();
    this.#buffer!.add({
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
      headers: record.headers,
      topic: input?.topic,
      partition: input?.partition ?? -1,
      offset: input?.offset ?? -1,
    });
  }
}

/** Makes one buffer per task; never logged (the sink, not a changelog, is where the records go). */
class ExternalSinkBufferBuilder<K, V> implements StoreBuilder<ExternalSinkBuffer<K, V>> {
  readonly name: string;
  readonly loggingEnabled = false;
  readonly logConfig = {};
  readonly #sink: ExternalSink<K, V>;
  readonly #options: ResolvedSinkOptions;

  constructor(name: string, sink: ExternalSink<K, V>, options: ResolvedSinkOptions) {
    this.name = name;
    this.#sink = sink;
    this.#options = options;
  }

  withLoggingEnabled(): this {
    return this;
  }
  withLoggingDisabled(): this {
    return this;
  }
  withCachingEnabled(): this {
    return this;
  }
  withCachingDisabled(): this {
    return this;
  }
  build(): ExternalSinkBuffer<K, V> {
    return new ExternalSinkBuffer(this.name, this.#sink, this.#options);
  }
}
