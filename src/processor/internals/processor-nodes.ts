/**
 * Live nodes of one task: a source feeds its children, a processor runs the user's or the DSL's Processor,
 * a sink serializes and hands records to the collector. Built once per task from the topology's definitions.
 */

import type { StreamPartitioner, TopicNameExtractor } from '../../topology/internals/node-definitions.ts';
import type { Processor } from '../processor.ts';
import type { Record } from '../record.ts';
import type { TimestampExtractor } from '../timestamp-extractor.ts';
import type { SerdeLike } from './serde-like.ts';
import type { RecordCollector } from './task-contract.ts';

/** What a node needs from its task (implemented by the StreamTask). */
export interface NodeHost {
  handleProcessingError(node: ProcessorNode, record: Record<unknown, unknown> | undefined, error: unknown): void;
  recordContextInfo(): { topic: string | undefined; partition: number; offset: number; timestamp: number };
  /**
   * The input bytes of the record being processed when `key` is still the key its source deserialized with
   * `serde` (so serializing it again with that serde would give the same bytes); undefined otherwise.
   */
  sourceKeyBytes(key: unknown, serde: SerdeLike<unknown>): Buffer | null | undefined;
}

export class ProcessorNode {
  readonly name: string;
  readonly children: ProcessorNode[] = [];
  readonly childByName = new Map<string, ProcessorNode>();
  readonly storeNames: ReadonlySet<string>;
  readonly processor: Processor<unknown, unknown, unknown, unknown> | undefined;
  protected readonly host: NodeHost;

  constructor(
    name: string,
    processor: Processor<unknown, unknown, unknown, unknown> | undefined,
    storeNames: readonly string[],
    host: NodeHost,
  ) {
    this.name = name;
    this.processor = processor;
    this.storeNames = new Set(storeNames);
    this.host = host;
  }

  addChild(child: ProcessorNode): void {
    this.children.push(child);
    this.childByName.set(child.name, child);
  }

  process(record: Record<unknown, unknown>): void {
    try {
      this.processor!.process(record);
    } catch (error) {
      this.host.handleProcessingError(this, record, error);
    }
  }
}

export class SourceNode extends ProcessorNode {
  readonly keySerde: SerdeLike<unknown>;
  readonly valueSerde: SerdeLike<unknown>;
  /** Undefined: the record's own timestamp, failing on a negative one (FailOnInvalidTimestamp). */
  readonly timestampExtractor: TimestampExtractor | undefined;

  constructor(
    name: string,
    host: NodeHost,
    keySerde: SerdeLike<unknown>,
    valueSerde: SerdeLike<unknown>,
    timestampExtractor: TimestampExtractor | undefined,
  ) {
    super(name, undefined, [], host);
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.timestampExtractor = timestampExtractor;
  }

  /** A source only passes records on; the task sets itself up as the forwarding context. */
  override process(record: Record<unknown, unknown>): void {
    const children = this.children;
    for (let i = 0; i < children.length; i++) children[i].process(record);
  }
}

export class SinkNode extends ProcessorNode {
  private readonly topic: string | undefined;
  private readonly topicNameExtractor: TopicNameExtractor | undefined;
  private readonly keySerde: SerdeLike<unknown>;
  private readonly valueSerde: SerdeLike<unknown>;
  private readonly partitioner: StreamPartitioner | undefined;
  private readonly collector: RecordCollector;
  /** The key serde gives back input bytes unchanged: an untouched key is written as it was read. */
  private readonly reuseKeyBytes: boolean;

  constructor(
    name: string,
    host: NodeHost,
    topic: string | TopicNameExtractor,
    keySerde: SerdeLike<unknown>,
    valueSerde: SerdeLike<unknown>,
    partitioner: StreamPartitioner | undefined,
    collector: RecordCollector,
  ) {
    super(name, undefined, [], host);
    if (typeof topic === 'string') this.topic = topic;
    else this.topicNameExtractor = topic;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.partitioner = partitioner;
    this.collector = collector;
    this.reuseKeyBytes = keySerde.exactRoundTrip === true;
  }

  override process(record: Record<unknown, unknown>): void {
    try {
      const topic = this.topic ?? this.extractTopic(record);
      // A pass-through key (same serde on both sides, key not replaced) keeps its input bytes: no serializer
      // call and no new Buffer per record.
      let key = this.reuseKeyBytes ? this.host.sourceKeyBytes(record.key, this.keySerde) : undefined;
      if (key === undefined) key = this.keySerde.serializer(topic, record.key, record.headers);
      const value = this.valueSerde.serializer(topic, record.value, record.headers);
      let partition: number | undefined;
      if (this.partitioner !== undefined) {
        const count = this.collector.partitionsFor(topic);
        if (count === undefined)
          throw new Error(
            `the partitioner of sink "${this.name}" needs the partition count of topic "${topic}", which is unknown`,
          );
        partition = this.partitioner(topic, record.key, record.value, count);
        if (partition !== undefined && !(Number.isInteger(partition) && partition >= 0 && partition < count)) {
          throw new RangeError(
            `the partitioner of sink "${this.name}" chose partition ${partition} of topic "${topic}", which has ${count}`,
          );
        }
      }
      this.collector.send({ topic, partition, key, value, timestamp: record.timestamp, headers: record.headers });
    } catch (error) {
      this.host.handleProcessingError(this, record, error);
    }
  }

  private extractTopic(record: Record<unknown, unknown>): string {
    const topic = this.topicNameExtractor!(record.key, record.value, this.host.recordContextInfo());
    if (typeof topic !== 'string' || topic.length === 0) {
      throw new TypeError(
        `the topic name extractor of sink "${this.name}" returned ${String(topic)}, not a topic name`,
      );
    }
    return topic;
  }
}
