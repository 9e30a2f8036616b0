/**
 * The StreamTask: one sub-topology's processors, stores and input queues for one partition group. Runs
 * synchronously on the driver's thread: the runtime and the TopologyTestDriver feed it records, call
 * processOne, punctuate and commit through the task contract.
 *
 * The record path is lean on purpose: the head record is deserialized once, one `Record` object is made per
 * input record, and forwarding walks plain arrays of child nodes (no closures, no promises).
 */

import type { DeserializationExceptionHandler } from '../../errors/deserialization-exception-handler.ts';
import { LogAndFailExceptionHandler } from '../../errors/deserialization-exception-handler.ts';
import type { ErrorHandlerContext } from '../../errors/error-handler-context.ts';
import { instantiateHandler, normalizeResponse } from '../../errors/handler-response.ts';
import type { ProcessingExceptionHandler } from '../../errors/processing-exception-handler.ts';
import { LogAndFailProcessingExceptionHandler } from '../../errors/processing-exception-handler.ts';
import { StreamsException } from '../../errors/streams-exception.ts';
import type { ConsumedRecord, TopicPartition } from '../../kafka/backend.ts';
import type { ManagedStore, StoreInitContext } from '../../state/internals/store-init-context.ts';
import type { StateStore } from '../../state/state-store.ts';
import type { StoreBuilder } from '../../state/store-builder.ts';
import type { NodeDefinition } from '../../topology/internals/node-definitions.ts';
import type {
  Cancellable,
  ProcessorContext,
  PunctuationType,
  Punctuator,
  RecordMetadata,
} from '../processor-context.ts';
import { Record } from '../record.ts';
import type { ConsumedRecordInfo, TimestampExtractor } from '../timestamp-extractor.ts';
import { PartitionQueue } from './partition-queue.ts';
import { type NodeHost, ProcessorNode, SinkNode, SourceNode } from './processor-nodes.ts';
import { PunctuationSchedule } from './punctuation-schedule.ts';
import type { SerdeLike } from './serde-like.ts';
import { resolveSerde, SerdeMissingError } from './serde-resolution.ts';
import type { StreamTask, TaskEnvironment, TaskId, TopicPartitionOffsetMap } from './task-contract.ts';
import { taskIdString } from './task-contract.ts';

/** Everything a task needs from the built topology for one sub-topology. */
export interface TaskBlueprint {
  readonly applicationId: string;
  /** The sub-topology's nodes in topology order. */
  readonly nodes: readonly NodeDefinition[];
  readonly storeBuilders: readonly StoreBuilder[];
  /** Internal topic names get the application id prefix; user topics stay as they are. */
  decorateTopic(topic: string): string;
  changelogTopicFor(storeName: string): string | undefined;
  /** Names of the topology's global stores (reachable through the environment, not owned by the task). */
  readonly globalStoreNames?: ReadonlySet<string>;
}

/** A processor failed and the processing handler said FAIL (or no handler applies). */
export class ProcessingFailedException extends StreamsException {
  override name = 'ProcessingFailedException';
}

export class StreamTaskImpl implements StreamTask, NodeHost {
  readonly id: TaskId;
  readonly idString: string;
  readonly inputPartitions: readonly TopicPartition[];
  readonly stores: ManagedStore[] = [];
  readonly applicationId: string;
  readonly env: TaskEnvironment;
  private readonly globalStoreNames: ReadonlySet<string>;
  readonly context: TaskProcessorContext;
  private readonly queues: PartitionQueue[] = [];
  private readonly queueByKey = new Map<string, PartitionQueue>();
  private readonly nodes: ProcessorNode[] = [];
  private readonly storeByName = new Map<string, ManagedStore>();
  private readonly schedules: PunctuationSchedule[] = [];
  private readonly deserializationHandler: DeserializationExceptionHandler;
  private readonly processingHandler: ProcessingExceptionHandler;
  streamTime = -1;
  private commitRequested = false;
  private processedSinceCommit = false;
  private initialized = false;
  private closed = false;

  constructor(id: TaskId, blueprint: TaskBlueprint, env: TaskEnvironment, inputPartitions: readonly TopicPartition[]) {
    this.id = id;
    this.idString = taskIdString(id);
    this.applicationId = blueprint.applicationId;
    this.env = env;
    this.globalStoreNames = blueprint.globalStoreNames ?? new Set();
    this.inputPartitions = inputPartitions;
    this.context = new TaskProcessorContext(this);
    const config = env.config;
    this.deserializationHandler = instantiateHandler<DeserializationExceptionHandler>(
      config['deserialization.exception.handler'],
      'deserialization.exception.handler',
      config,
      () => new LogAndFailExceptionHandler(),
    );
    this.processingHandler = instantiateHandler<ProcessingExceptionHandler>(
      config['processing.exception.handler'],
      'processing.exception.handler',
      config,
      () => new LogAndFailProcessingExceptionHandler(),
    );

    // Stores first: they resolve their serdes now so the driver can restore them before initialize().
    const storeContextBase = {
      taskId: this.idString,
      partition: id.partition,
      collector: env.collector,
      config,
      currentTimestamp: () => this.context.currentTimestamp,
    };
    for (const builder of blueprint.storeBuilders) {
      const store = builder.build() as unknown as ManagedStore;
      const storeContext: StoreInitContext = {
        ...storeContextBase,
        changelogTopic: blueprint.changelogTopicFor(builder.name),
      };
      store.init(storeContext);
      this.stores.push(store);
      this.storeByName.set(builder.name, store);
    }

    const byName = new Map<string, ProcessorNode>();
    const sourcesByTopic = new Map<string, SourceNode>();
    const patternSources: { pattern: RegExp; node: SourceNode }[] = [];
    for (const definition of blueprint.nodes) {
      let node: ProcessorNode;
      switch (definition.kind) {
        case 'source': {
          const topics = definition.topics.map((t) => blueprint.decorateTopic(t));
          const where = `source "${definition.name}" (topic${topics.length === 1 ? '' : 's'} ${topics.map((t) => `"${t}"`).join(', ') || String(definition.pattern)})`;
          const fix = 'pass Consumed.with(keySerde, valueSerde) where the stream or table is read';
          const source = new SourceNode(
            definition.name,
            this,
            resolveSerde(definition.keySerde, config, 'key', where, fix),
            resolveSerde(definition.valueSerde, config, 'value', where, fix),
            definition.timestampExtractor ?? configuredExtractor(config),
          );
          for (const topic of topics) sourcesByTopic.set(topic, source);
          if (definition.pattern !== undefined) patternSources.push({ pattern: definition.pattern, node: source });
          node = source;
          break;
        }
        case 'processor':
          node = new ProcessorNode(definition.name, definition.supplier(), definition.stores, this);
          break;
        case 'sink': {
          const topic =
            typeof definition.topic === 'string' ? blueprint.decorateTopic(definition.topic) : definition.topic;
          const where = `sink "${definition.name}" (${typeof topic === 'string' ? `topic "${topic}"` : 'topic chosen per record'})`;
          const fix = 'pass Produced.with(keySerde, valueSerde) to to() (or Grouped/Repartitioned for internal topics)';
          node = new SinkNode(
            definition.name,
            this,
            topic,
            resolveSerde(definition.keySerde, config, 'key', where, fix),
            resolveSerde(definition.valueSerde, config, 'value', where, fix),
            definition.partitioner,
            env.collector,
          );
          break;
        }
      }
      if (definition.kind !== 'source') for (const parent of definition.parents) byName.get(parent)?.addChild(node);
      byName.set(definition.name, node);
      this.nodes.push(node);
    }

    for (const partition of inputPartitions) {
      let source = sourcesByTopic.get(partition.topic);
      if (source === undefined) source = patternSources.find((p) => p.pattern.test(partition.topic))?.node;
      if (source === undefined) {
        throw new StreamsException(
          `task ${this.idString} has no source node for its input partition ${partition.topic}-${partition.partition}`,
        );
      }
      const queue = new PartitionQueue(partition, source);
      this.queues.push(queue);
      this.queueByKey.set(queue.key, queue);
    }
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  initialize(): void {
    if (this.initialized) return;
    this.initialized = true;
    const ctx = this.context;
    for (const node of this.nodes) {
      const processor = node.processor;
      if (processor?.init === undefined) continue;
      ctx.currentNode = node;
      try {
        processor.init(ctx as ProcessorContext<unknown, unknown>);
      } catch (error) {
        throw new StreamsException(
          `processor "${node.name}" of task ${this.idString} failed in init(): ${errorMessage(error)}`,
          {
            cause: error,
          },
        );
      }
    }
    ctx.currentNode = undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    let firstError: unknown;
    for (const node of this.nodes) {
      try {
        node.processor?.close?.();
      } catch (error) {
        firstError ??= error;
      }
    }
    for (const store of this.stores) {
      try {
        store.close();
      } catch (error) {
        firstError ??= error;
      }
    }
    for (const queue of this.queues) queue.clear();
    if (firstError !== undefined) {
      throw new StreamsException(`closing task ${this.idString} failed: ${errorMessage(firstError)}`, {
        cause: firstError,
      });
    }
  }

  // ------------------------------------------------------------------------------------------ records

  addRecords(partition: TopicPartition, records: readonly ConsumedRecord[]): void {
    const queue = this.queueByKey.get(`${partition.topic}-${partition.partition}`);
    if (queue === undefined) {
      throw new StreamsException(
        `task ${this.idString} does not own partition ${partition.topic}-${partition.partition}`,
      );
    }
    queue.add(records);
  }

  bufferedCount(): number {
    let count = 0;
    for (const queue of this.queues) count += queue.count;
    return count;
  }

  processOne(): boolean {
    const queues = this.queues;
    let best: PartitionQueue | undefined;
    for (let i = 0; i < queues.length; i++) {
      const queue = queues[i];
      if (queue.count === 0 || !(queue.headReady || this.prepareHead(queue))) continue;
      if (best === undefined || queue.headTimestamp < best.headTimestamp) best = queue;
    }
    if (best === undefined) return false;

    const raw = best.peek();
    const timestamp = best.headTimestamp;
    const record = new Record(best.headKey, best.headValue, timestamp, raw.headers);
    best.poll();
    if (timestamp > best.partitionTime) best.partitionTime = timestamp;
    if (timestamp > this.streamTime) this.streamTime = timestamp;
    this.processedSinceCommit = true;

    const ctx = this.context;
    ctx.queue = best;
    ctx.raw = raw;
    ctx.sourceKey = record.key;
    ctx.currentTimestamp = timestamp;
    ctx.currentNode = best.source;
    ctx.forward(record);
    ctx.currentNode = undefined;
    ctx.raw = undefined;
    return true;
  }

  /** Deserializes the head record and extracts its timestamp, skipping records that fail (per the handler). */
  private prepareHead(queue: PartitionQueue): boolean {
    const source = queue.source;
    const topic = queue.partition.topic;
    while (queue.count > 0) {
      const raw = queue.peek();
      let key: unknown;
      let value: unknown;
      try {
        key = source.keySerde.deserializer(topic, raw.key, raw.headers);
        value = source.valueSerde.deserializer(topic, raw.value, raw.headers);
      } catch (error) {
        this.handleDeserializationError(queue, raw, error);
        queue.poll();
        continue;
      }
      let timestamp = raw.timestamp;
      const extractor = source.timestampExtractor;
      if (extractor !== undefined) {
        const info: ConsumedRecordInfo = {
          topic,
          partition: queue.partition.partition,
          offset: raw.offset,
          timestamp: raw.timestamp,
          key,
          value,
          headers: raw.headers,
        };
        try {
          timestamp = extractor.extract(info, queue.partitionTime);
        } catch (error) {
          throw new StreamsException(`timestamp extraction failed in task ${this.idString}: ${errorMessage(error)}`, {
            cause: error,
          });
        }
      } else if (timestamp < 0) {
        throw new StreamsException(
          `the record at ${topic}-${queue.partition.partition} offset ${raw.offset} has an invalid (negative) timestamp ${timestamp}; ` +
            'set "default.timestamp.extractor" to LogAndSkipOnInvalidTimestamp or UsePartitionTimeOnInvalidTimestamp to go on',
        );
      }
      if (!(timestamp >= 0)) {
        this.env.onSkippedRecord?.(
          'invalid timestamp',
          new Error(`timestamp ${timestamp}`),
          queue.partition,
          raw.offset,
        );
        queue.poll();
        continue;
      }
      queue.headKey = key;
      queue.headValue = value;
      queue.headTimestamp = timestamp;
      queue.headReady = true;
      return true;
    }
    return false;
  }

  private handleDeserializationError(queue: PartitionQueue, raw: ConsumedRecord, error: unknown): void {
    const err = asError(error);
    const context: ErrorHandlerContext = {
      topic: queue.partition.topic,
      partition: queue.partition.partition,
      offset: raw.offset,
      headers: raw.headers,
      processorNodeId: queue.source.name,
      taskId: this.idString,
      timestamp: raw.timestamp,
      sourceRawKey: raw.key,
      sourceRawValue: raw.value,
    };
    let response: ReturnType<typeof normalizeResponse>;
    try {
      response = normalizeResponse(this.deserializationHandler.handle(context, err));
    } catch (handlerError) {
      throw new StreamsException(`the deserialization exception handler failed: ${errorMessage(handlerError)}`, {
        cause: handlerError,
      });
    }
    this.sendDeadLetters(response.deadLetterQueueRecords);
    const where = `${queue.partition.topic}-${queue.partition.partition} offset ${raw.offset}`;
    if (response.result === 'FAIL') {
      throw new StreamsException(
        `could not deserialize the record at ${where} (task ${this.idString}, source "${queue.source.name}"): ${err.message}; ` +
          'set "deserialization.exception.handler" to LogAndContinueExceptionHandler to skip such records',
        { cause: err },
      );
    }
    this.env.onSkippedRecord?.('deserialization error', err, queue.partition, raw.offset);
  }

  private sendDeadLetters(records: readonly import('./task-contract.ts').OutgoingRecord[] | undefined): void {
    if (records === undefined) return;
    // A copy: the collector owns what it is sent, and these came from the user's handler (maybe frozen or reused).
    for (const record of records) this.env.collector.send({ ...record });
  }

  handleProcessingError(node: ProcessorNode, record: Record<unknown, unknown> | undefined, error: unknown): void {
    // Already handled (and refused) further down the graph, or a missing serde: a bug to fix, never skipped.
    if (error instanceof ProcessingFailedException || error instanceof SerdeMissingError) throw error;
    const err = asError(error);
    const ctx = this.context;
    const raw = ctx.raw;
    const queue = ctx.queue;
    const context: ErrorHandlerContext = {
      topic: raw === undefined ? undefined : queue?.partition.topic,
      partition: raw === undefined || queue === undefined ? -1 : queue.partition.partition,
      offset: raw === undefined ? -1 : raw.offset,
      headers: record?.headers ?? [],
      processorNodeId: node.name,
      taskId: this.idString,
      timestamp: ctx.currentTimestamp,
      sourceRawKey: raw?.key ?? null,
      sourceRawValue: raw?.value ?? null,
    };
    let response: ReturnType<typeof normalizeResponse>;
    try {
      response = normalizeResponse(this.processingHandler.handle(context, record ?? new Record(null, null, 0), err));
    } catch (handlerError) {
      throw new StreamsException(`the processing exception handler failed: ${errorMessage(handlerError)}`, {
        cause: handlerError,
      });
    }
    this.sendDeadLetters(response.deadLetterQueueRecords);
    const where =
      raw === undefined
        ? 'during punctuation'
        : `on the record from ${context.topic}-${context.partition} offset ${context.offset}`;
    if (response.result === 'FAIL') {
      throw new ProcessingFailedException(
        `processor "${node.name}" of task ${this.idString} failed ${where}: ${err.message}`,
        { cause: err },
      );
    }
    if (queue !== undefined && raw !== undefined)
      this.env.onSkippedRecord?.('processing error', err, queue.partition, raw.offset);
  }

  sourceKeyBytes(key: unknown, serde: SerdeLike<unknown>): Buffer | null | undefined {
    const ctx = this.context;
    const raw = ctx.raw;
    if (raw === undefined || key !== ctx.sourceKey || ctx.queue!.source.keySerde !== serde) return undefined;
    return raw.key;
  }

  recordContextInfo(): { topic: string | undefined; partition: number; offset: number; timestamp: number } {
    const ctx = this.context;
    const raw = ctx.raw;
    return {
      topic: raw === undefined ? undefined : ctx.queue?.partition.topic,
      partition: raw === undefined ? -1 : (ctx.queue?.partition.partition ?? -1),
      offset: raw === undefined ? -1 : raw.offset,
      timestamp: ctx.currentTimestamp,
    };
  }

  // ------------------------------------------------------------------------------------------ punctuation

  schedule(node: ProcessorNode, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (!(Number.isFinite(intervalMs) && intervalMs >= 1)) {
      throw new RangeError(`punctuation interval of processor "${node.name}" must be at least 1 ms, got ${intervalMs}`);
    }
    if (typeof punctuator !== 'function')
      throw new TypeError(`processor "${node.name}" scheduled a punctuator that is not a function`);
    // Stream time: aligned to 0, fires as soon as records arrive. Wall clock: one interval from now.
    const first = type === 'STREAM_TIME' ? 0 : this.env.now() + intervalMs;
    const schedule = new PunctuationSchedule(node, type, intervalMs, first, punctuator);
    this.schedules.push(schedule);
    return schedule;
  }

  punctuateStreamTime(): boolean {
    if (this.streamTime < 0) return false;
    return this.punctuate('STREAM_TIME', this.streamTime);
  }

  punctuateWallClock(now: number): boolean {
    return this.punctuate('WALL_CLOCK_TIME', now);
  }

  private punctuate(type: PunctuationType, now: number): boolean {
    let fired = false;
    const ctx = this.context;
    for (const schedule of [...this.schedules]) {
      if (schedule.cancelled || schedule.type !== type || schedule.nextTime > now) continue;
      fired = true;
      ctx.queue = undefined;
      ctx.raw = undefined;
      ctx.currentTimestamp = now;
      ctx.currentNode = schedule.node;
      try {
        schedule.punctuator(now);
      } catch (error) {
        this.handleProcessingError(schedule.node, undefined, error);
      } finally {
        ctx.currentNode = undefined;
      }
      schedule.advance(now);
    }
    if (fired) {
      for (let i = this.schedules.length - 1; i >= 0; i--) if (this.schedules[i].cancelled) this.schedules.splice(i, 1);
    }
    return fired;
  }

  // ------------------------------------------------------------------------------------------ commit

  requestCommit(): void {
    this.commitRequested = true;
  }

  commitNeeded(): boolean {
    return this.commitRequested || this.processedSinceCommit;
  }

  prepareCommit(): TopicPartitionOffsetMap {
    for (const store of this.stores) store.flush();
    const offsets: TopicPartitionOffsetMap = new Map();
    for (const queue of this.queues) {
      if (queue.nextOffset >= 0) {
        offsets.set(queue.key, {
          topic: queue.partition.topic,
          partition: queue.partition.partition,
          offset: queue.nextOffset,
        });
      }
    }
    return offsets;
  }

  postCommit(): void {
    this.commitRequested = false;
    this.processedSinceCommit = false;
  }

  // ------------------------------------------------------------------------------------------ stores

  getStore(name: string): StateStore | undefined {
    return this.storeByName.get(name) as unknown as StateStore | undefined;
  }

  getStateStoreFor(node: ProcessorNode | undefined, name: string): StateStore {
    const store = this.storeByName.get(name);
    if (store === undefined && node !== undefined) {
      // Global stores need no connection: any processor may read them (as in Kafka Streams).
      const global = this.env.globalStore?.(name);
      if (global !== undefined) return global as unknown as StateStore;
      if (this.globalStoreNames.has(name)) {
        throw new StreamsException(
          `global store "${name}" is not available to task ${this.idString}: whatever runs this task does not run ` +
            'global stores (it must create the global task and pass TaskEnvironment.globalStore)',
        );
      }
    }
    if (node === undefined || store === undefined || !node.storeNames.has(name)) {
      const who = node === undefined ? 'this processor' : `processor "${node.name}"`;
      throw new StreamsException(
        `${who} cannot reach store "${name}": it is not connected to it. Add the store with ` +
          'topology.addStateStore(builder, processorName), pass its name to process()/processValues(), ' +
          "or return its builder from the supplier's stores()",
      );
    }
    return store as unknown as StateStore;
  }
}

/** The ProcessorContext of one task; `currentNode` says which processor is running. */
class TaskProcessorContext {
  private readonly task: StreamTaskImpl;
  currentNode: ProcessorNode | undefined;
  queue: PartitionQueue | undefined;
  raw: ConsumedRecord | undefined;
  /** The key deserialized from `raw` (meaningful only while `raw` is set). */
  sourceKey: unknown;
  currentTimestamp = -1;

  constructor(task: StreamTaskImpl) {
    this.task = task;
  }

  get applicationId(): string {
    return this.task.applicationId;
  }

  get taskId(): string {
    return this.task.idString;
  }

  appConfigs(): Readonly<globalThis.Record<string, unknown>> {
    return this.task.env.config;
  }

  recordMetadata(): RecordMetadata | undefined {
    const raw = this.raw;
    const queue = this.queue;
    if (raw === undefined || queue === undefined) return undefined;
    return { topic: queue.partition.topic, partition: queue.partition.partition, offset: raw.offset };
  }

  currentStreamTimeMs(): number {
    return this.task.streamTime;
  }

  currentSystemTimeMs(): number {
    return this.task.env.now();
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    const node = this.currentNode;
    if (node === undefined)
      throw new StreamsException('schedule() may only be called by a processor (from init or process)');
    return this.task.schedule(node, intervalMs, type, punctuator);
  }

  getStateStore<S extends StateStore = StateStore>(name: string): S {
    return this.task.getStateStoreFor(this.currentNode, name) as S;
  }

  commit(): void {
    this.task.requestCommit();
  }

  forward(record: Record<unknown, unknown>, childName?: string): void {
    const node = this.currentNode!;
    const previousTimestamp = this.currentTimestamp;
    this.currentTimestamp = record.timestamp;
    if (childName === undefined) {
      const children = node.children;
      for (let i = 0; i < children.length; i++) {
        const child = children[i];
        this.currentNode = child;
        child.process(record);
      }
    } else {
      const child = node.childByName.get(childName);
      if (child === undefined) {
        throw new StreamsException(
          `processor "${node.name}" forwarded to "${childName}", which is not one of its children (${[...node.childByName.keys()].join(', ') || 'none'})`,
        );
      }
      this.currentNode = child;
      child.process(record);
    }
    this.currentNode = node;
    this.currentTimestamp = previousTimestamp;
  }
}

function configuredExtractor(config: Readonly<globalThis.Record<string, unknown>>): TimestampExtractor | undefined {
  const configured = config['default.timestamp.extractor'];
  if (configured === undefined || configured === null) return undefined;
  if (typeof configured === 'function') return new (configured as new () => TimestampExtractor)();
  if (typeof (configured as TimestampExtractor).extract === 'function') return configured as TimestampExtractor;
  throw new TypeError(
    'config "default.timestamp.extractor" must be a TimestampExtractor (an object with extract) or its class',
  );
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
