/**
 * Foreign-key table-table joins (Java's KIP-213 join, `KTable#join(other, foreignKeyExtractor, joiner)`): each
 * row of this table names a row of the other table by a foreign key. Kafka Streams' design, with its topics:
 * 1. this table's changes become subscriptions, keyed by foreign key, on `<name>-subscription-registration-topic`;
 * 2. next to the other table, subscriptions are kept in a store keyed by (foreign key, primary key); each one,
 *    and each change of the other table (for all its subscribers, by prefix scan), yields a response keyed by
 *    the primary key, on `<name>-subscription-response-topic`, sent back to the subscriber's partition;
 * 3. a response is joined with this table's current row, unless that row changed since (its hash differs):
 *    the result is a table whose store is created lazily, as a source table's.
 * The wrappers' byte layouts are Tributary's own (only Tributary reads these internal topics).
 */
import { createHash } from 'node:crypto';
import type { SerdeLike } from '../../processor/internals/serde-like.ts';
import {
  type DeferredSerde,
  RESOLVE_SERDE,
  resolveSerde,
  type SerdeRole,
} from '../../processor/internals/serde-resolution.ts';
import type { Processor } from '../../processor/processor.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { Record } from '../../processor/record.ts';
import { bytesSerdeInstance } from '../../serdes/bytes-serde.ts';
import type { TimestampedKeyValueStore } from '../../state/key-value-store.ts';
import { KeyValueStoreBuilder } from '../../state/store-builder.ts';
import { copartitionNodes } from '../../topology/internals/copartition-groups.ts';
import type { Materialized } from '../materialized.ts';
import type { TableJoined } from '../table-joined.ts';
import type { ValueJoiner } from '../value-joiner.ts';
import type { Change } from './change.ts';
import type { StoreSpec } from './internal-streams-builder.ts';
import type { TableSide } from './join-builders.ts';
import type { KTableValueGetter, KTableValueGetterSupplier } from './ktable-value-getter.ts';

type Ctx = ProcessorContext<unknown, unknown>;

/** What the receiving side does with a subscription (Java's `SubscriptionWrapper.Instruction`). */
const DELETE_KEY_NO_PROPAGATE = 0;
const DELETE_KEY_AND_PROPAGATE = 1;
const PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE = 2;
const PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE = 3;
type Instruction = 0 | 1 | 2 | 3;

interface SubscriptionWrapper<K> {
  /** Hash of the subscribing row's serialized value, null for a deletion. */
  readonly hash: Buffer | null;
  readonly instruction: Instruction;
  readonly primaryKey: K;
  readonly primaryPartition: number;
}

interface SubscriptionResponseWrapper<VO> {
  readonly hash: Buffer | null;
  readonly foreignValue: VO | null;
  readonly primaryPartition: number;
}

function hashOf(bytes: Buffer | null): Buffer | null {
  return bytes === null ? null : createHash('md5').update(bytes).digest();
}

function sameHash(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/** `[int16 hash length (-1: none)][hash][int8 instruction][int32 partition][primary key bytes]` */
class SubscriptionWrapperSerde<K> implements DeferredSerde<SubscriptionWrapper<K>> {
  private readonly keySerde: SerdeLike<K> | undefined;
  constructor(keySerde: SerdeLike<K> | undefined) {
    this.keySerde = keySerde;
  }
  [RESOLVE_SERDE](
    config: Readonly<globalThis.Record<string, unknown>>,
    _role: SerdeRole,
    where: string,
    fix: string,
  ): SerdeLike<SubscriptionWrapper<K>> {
    const keySerde = resolveSerde(this.keySerde, config, 'key', where, fix);
    return {
      serializer(topic: string, wrapper: SubscriptionWrapper<K>): Buffer {
        const hash = wrapper.hash;
        const key = keySerde.serializer(`${topic}-pk`, wrapper.primaryKey) ?? Buffer.alloc(0);
        const header = Buffer.allocUnsafe(7);
        header.writeInt16BE(hash === null ? -1 : hash.length, 0);
        header.writeInt8(wrapper.instruction, 2);
        header.writeInt32BE(wrapper.primaryPartition, 3);
        return Buffer.concat([header.subarray(0, 2), hash ?? Buffer.alloc(0), header.subarray(2), key]);
      },
      deserializer(topic: string, data: Buffer | null): SubscriptionWrapper<K> {
        if (data === null) throw new Error(`a subscription on "${topic}" has no value`);
        const hashLength = data.readInt16BE(0);
        const hash = hashLength < 0 ? null : Buffer.from(data.subarray(2, 2 + hashLength));
        const at = 2 + Math.max(0, hashLength);
        return {
          hash,
          instruction: data.readInt8(at) as Instruction,
          primaryPartition: data.readInt32BE(at + 1),
          primaryKey: keySerde.deserializer(`${topic}-pk`, data.subarray(at + 5)),
        };
      },
    };
  }
}

/** `[int16 hash length (-1: none)][hash][int32 partition][int8 1 = value present][foreign value bytes]` */
class SubscriptionResponseWrapperSerde<VO> implements DeferredSerde<SubscriptionResponseWrapper<VO>> {
  private readonly valueSerde: SerdeLike<VO> | undefined;
  constructor(valueSerde: SerdeLike<VO> | undefined) {
    this.valueSerde = valueSerde;
  }
  [RESOLVE_SERDE](
    config: Readonly<globalThis.Record<string, unknown>>,
    _role: SerdeRole,
    where: string,
    fix: string,
  ): SerdeLike<SubscriptionResponseWrapper<VO>> {
    const valueSerde = resolveSerde(this.valueSerde, config, 'value', where, fix);
    return {
      serializer(topic: string, wrapper: SubscriptionResponseWrapper<VO>): Buffer {
        const hash = wrapper.hash;
        const value = wrapper.foreignValue === null ? null : valueSerde.serializer(topic, wrapper.foreignValue);
        const tail = Buffer.allocUnsafe(5);
        tail.writeInt32BE(wrapper.primaryPartition, 0);
        tail.writeInt8(value === null ? 0 : 1, 4);
        const head = Buffer.allocUnsafe(2);
        head.writeInt16BE(hash === null ? -1 : hash.length, 0);
        return Buffer.concat([head, hash ?? Buffer.alloc(0), tail, value ?? Buffer.alloc(0)]);
      },
      deserializer(topic: string, data: Buffer | null): SubscriptionResponseWrapper<VO> {
        if (data === null) throw new Error(`a subscription response on "${topic}" has no value`);
        const hashLength = data.readInt16BE(0);
        const hash = hashLength < 0 ? null : Buffer.from(data.subarray(2, 2 + hashLength));
        const at = 2 + Math.max(0, hashLength);
        const present = data.readInt8(at + 4) === 1;
        return {
          hash,
          primaryPartition: data.readInt32BE(at),
          foreignValue: present ? valueSerde.deserializer(topic, data.subarray(at + 5)) : null,
        };
      },
    };
  }
}

/** The subscription store's key: `[int32 foreign key length][foreign key][primary key]`, scanned by prefix. */
function combinedKey(foreignKey: Buffer, primaryKey: Buffer): Buffer {
  const length = Buffer.allocUnsafe(4);
  length.writeInt32BE(foreignKey.length, 0);
  return Buffer.concat([length, foreignKey, primaryKey]);
}

function prefixOf(foreignKey: Buffer): Buffer {
  const length = Buffer.allocUnsafe(4);
  length.writeInt32BE(foreignKey.length, 0);
  return Buffer.concat([length, foreignKey]);
}

/** The smallest key after every key starting with `prefix` (Java's `Bytes.increment`), or undefined. */
function incremented(prefix: Buffer): Buffer | undefined {
  const next = Buffer.from(prefix);
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] !== 0xff) {
      next[i]++;
      return next.subarray(0, i + 1);
    }
  }
  return undefined;
}

function resolved<T>(serde: SerdeLike<T> | undefined, context: Ctx, role: SerdeRole, what: string): SerdeLike<T> {
  return resolveSerde(serde, context.appConfigs(), role, what, 'give the tables serdes (Consumed/Materialized)');
}

/** Step 1: turns this table's changes into subscriptions keyed by foreign key. */
class SubscriptionSendProcessor<K, V, KO> implements Processor<K, Change<V>, unknown, unknown> {
  private readonly extractor: (value: V, key: K) => KO;
  private readonly leftJoin: boolean;
  private readonly foreignKeySerde: SerdeLike<KO> | undefined;
  private readonly valueSerde: SerdeLike<V> | undefined;
  private readonly topic: string;
  private context!: Ctx;
  private fkSerde!: SerdeLike<KO>;
  private vSerde!: SerdeLike<V>;
  constructor(
    extractor: (value: V, key: K) => KO,
    leftJoin: boolean,
    foreignKeySerde: SerdeLike<KO> | undefined,
    valueSerde: SerdeLike<V> | undefined,
    topic: string,
  ) {
    this.extractor = extractor;
    this.leftJoin = leftJoin;
    this.foreignKeySerde = foreignKeySerde;
    this.valueSerde = valueSerde;
    this.topic = topic;
  }
  init(context: Ctx): void {
    this.context = context;
    this.fkSerde = resolved(this.foreignKeySerde, context, 'key', `foreign keys of "${this.topic}"`);
    this.vSerde = resolved(this.valueSerde, context, 'value', `values hashed for "${this.topic}"`);
  }
  private foreignKeyOf(value: V | null, key: K): KO | null {
    if (value === null) return null;
    const foreignKey = this.extractor(value, key);
    return foreignKey === undefined ? null : foreignKey;
  }
  private sameForeignKey(a: KO | null, b: KO | null): boolean {
    if (a === null || b === null) return a === b;
    const x = this.fkSerde.serializer(`${this.topic}-fk`, a);
    const y = this.fkSerde.serializer(`${this.topic}-fk`, b);
    return x === null || y === null ? x === y : x.equals(y);
  }
  process(record: Record<K, Change<V>>): void {
    const { oldValue, newValue } = record.value;
    const key = record.key;
    let hash: Buffer | null | undefined;
    const send = (foreignKey: KO | null, instruction: Instruction) => {
      if (hash === undefined)
        hash = newValue === null ? null : hashOf(this.vSerde.serializer(`${this.topic}-vh`, newValue));
      const wrapper: SubscriptionWrapper<K> = {
        hash,
        instruction,
        primaryKey: key,
        primaryPartition: this.context.recordMetadata()?.partition ?? 0,
      };
      this.context.forward(record.withKey(foreignKey).withValue(wrapper));
    };
    const oldForeignKey = this.foreignKeyOf(oldValue, key);
    const newForeignKey = this.foreignKeyOf(newValue, key);
    if (this.leftJoin) {
      if (oldValue !== null) {
        // The new subscription's response carries the result: the old one is only removed (Kafka Streams 4.x).
        if (oldForeignKey !== null && !this.sameForeignKey(newForeignKey, oldForeignKey))
          send(oldForeignKey, DELETE_KEY_NO_PROPAGATE);
        send(newForeignKey, PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE);
      } else if (newValue !== null) {
        send(newForeignKey, PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE);
      }
      return;
    }
    if (oldValue !== null) {
      if (oldForeignKey === null) return; // Java skips (and logs) a null foreign key
      if (newValue !== null) {
        if (newForeignKey === null) return;
        if (!this.sameForeignKey(newForeignKey, oldForeignKey)) send(oldForeignKey, DELETE_KEY_NO_PROPAGATE);
        send(newForeignKey, PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE);
      } else {
        send(oldForeignKey, DELETE_KEY_AND_PROPAGATE);
      }
    } else if (newValue !== null && newForeignKey !== null) {
      send(newForeignKey, PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE);
    }
  }
}

/** A subscription as the receiving side passes it on: with its foreign key (null in a left join without one). */
interface ReceivedSubscription<K, KO> {
  readonly foreignKey: KO | null;
  readonly wrapper: SubscriptionWrapper<K>;
}

/** Step 2, next to the other table: keeps (or drops) the subscription (Java's `SubscriptionReceiveProcessor`). */
class SubscriptionReceiveProcessor<K, KO> implements Processor<KO, SubscriptionWrapper<K>, unknown, unknown> {
  private readonly storeName: string;
  private readonly foreignKeySerde: SerdeLike<KO> | undefined;
  private readonly primaryKeySerde: SerdeLike<K> | undefined;
  private readonly topic: string;
  private context!: Ctx;
  private store!: TimestampedKeyValueStore<Buffer, SubscriptionWrapper<K>>;
  private fkSerde!: SerdeLike<KO>;
  private pkSerde!: SerdeLike<K>;
  constructor(
    storeName: string,
    foreignKeySerde: SerdeLike<KO> | undefined,
    primaryKeySerde: SerdeLike<K> | undefined,
    topic: string,
  ) {
    this.storeName = storeName;
    this.foreignKeySerde = foreignKeySerde;
    this.primaryKeySerde = primaryKeySerde;
    this.topic = topic;
  }
  init(context: Ctx): void {
    this.context = context;
    this.store = context.getStateStore(this.storeName);
    this.fkSerde = resolved(this.foreignKeySerde, context, 'key', `foreign keys of "${this.topic}"`);
    this.pkSerde = resolved(this.primaryKeySerde, context, 'key', `primary keys of "${this.topic}"`);
  }
  process(record: Record<KO, SubscriptionWrapper<K>>): void {
    const wrapper = record.value;
    const foreignKey = record.key === undefined ? null : record.key;
    if (foreignKey === null && wrapper.instruction !== PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE) return;
    if (foreignKey !== null) {
      const stored = combinedKey(
        this.fkSerde.serializer(`${this.topic}-fk`, foreignKey) ?? Buffer.alloc(0),
        this.pkSerde.serializer(`${this.topic}-pk`, wrapper.primaryKey) ?? Buffer.alloc(0),
      );
      if (wrapper.instruction === DELETE_KEY_AND_PROPAGATE || wrapper.instruction === DELETE_KEY_NO_PROPAGATE)
        this.store.delete(stored);
      else this.store.putWithTimestamp(stored, wrapper, record.timestamp);
    }
    const received: ReceivedSubscription<K, KO> = { foreignKey, wrapper };
    this.context.forward(record.withValue(received));
  }
}

/** Step 2 (cont.): answers a subscription with the other table's row (Java's `SubscriptionJoinProcessor`). */
class SubscriptionJoinProcessor<K, KO, VO> implements Processor<KO, ReceivedSubscription<K, KO>, unknown, unknown> {
  private readonly foreignValues: KTableValueGetter<KO, VO>;
  private context!: Ctx;
  constructor(foreignValues: KTableValueGetterSupplier<KO, VO>) {
    this.foreignValues = foreignValues.get();
  }
  init(context: Ctx): void {
    this.context = context;
    this.foreignValues.init(context);
  }
  process(record: Record<KO, ReceivedSubscription<K, KO>>): void {
    const { foreignKey, wrapper } = record.value;
    const foreign = foreignKey === null ? undefined : this.foreignValues.get(foreignKey);
    const timestamp = foreign === undefined ? record.timestamp : Math.max(record.timestamp, foreign.timestamp);
    const respond = (foreignValue: VO | null) => {
      const response: SubscriptionResponseWrapper<VO> = {
        hash: wrapper.hash,
        foreignValue,
        primaryPartition: wrapper.primaryPartition,
      };
      this.context.forward(record.withKey(wrapper.primaryKey).withValue(response).withTimestamp(timestamp));
    };
    switch (wrapper.instruction) {
      case DELETE_KEY_AND_PROPAGATE:
        respond(null);
        break;
      case PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE:
        respond(foreign === undefined ? null : foreign.value);
        break;
      case PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE:
        if (foreign !== undefined) respond(foreign.value);
        break;
      default:
        break; // DELETE_KEY_NO_PROPAGATE
    }
  }
}

/** Step 2': a change of the other table answers every subscription to its key (prefix scan). */
class ForeignTableJoinProcessor<K, KO, VO> implements Processor<KO, Change<VO>, unknown, unknown> {
  private readonly storeName: string;
  private readonly foreignKeySerde: SerdeLike<KO> | undefined;
  private readonly topic: string;
  private context!: Ctx;
  private store!: TimestampedKeyValueStore<Buffer, SubscriptionWrapper<K>>;
  private fkSerde!: SerdeLike<KO>;
  constructor(storeName: string, foreignKeySerde: SerdeLike<KO> | undefined, topic: string) {
    this.storeName = storeName;
    this.foreignKeySerde = foreignKeySerde;
    this.topic = topic;
  }
  init(context: Ctx): void {
    this.context = context;
    this.store = context.getStateStore(this.storeName);
    this.fkSerde = resolved(this.foreignKeySerde, context, 'key', `foreign keys of "${this.topic}"`);
  }
  process(record: Record<KO, Change<VO>>): void {
    if (record.key === null || record.key === undefined) return;
    const prefix = prefixOf(this.fkSerde.serializer(`${this.topic}-fk`, record.key) ?? Buffer.alloc(0));
    for (const { key, value } of this.store.range(prefix, incremented(prefix))) {
      if (key.length < prefix.length || !key.subarray(0, prefix.length).equals(prefix)) continue;
      const response: SubscriptionResponseWrapper<VO> = {
        hash: value.hash,
        foreignValue: record.value.newValue,
        primaryPartition: value.primaryPartition,
      };
      this.context.forward(record.withKey(value.primaryKey).withValue(response));
    }
  }
}

/** Step 3: joins a response with this table's current row, unless the row changed since the subscription. */
class ResponseJoinProcessor<K, V, VO, VR> implements Processor<K, SubscriptionResponseWrapper<VO>, unknown, unknown> {
  private readonly values: KTableValueGetter<K, V>;
  private readonly valueSerde: SerdeLike<V> | undefined;
  private readonly joiner: ValueJoiner<V, VO | null, VR, K>;
  private readonly leftJoin: boolean;
  private readonly topic: string;
  private context!: Ctx;
  private vSerde!: SerdeLike<V>;
  constructor(
    values: KTableValueGetterSupplier<K, V>,
    valueSerde: SerdeLike<V> | undefined,
    joiner: ValueJoiner<V, VO | null, VR, K>,
    leftJoin: boolean,
    topic: string,
  ) {
    this.values = values.get();
    this.valueSerde = valueSerde;
    this.joiner = joiner;
    this.leftJoin = leftJoin;
    this.topic = topic;
  }
  init(context: Ctx): void {
    this.context = context;
    this.vSerde = resolved(this.valueSerde, context, 'value', `values hashed for "${this.topic}"`);
    this.values.init(context);
  }
  process(record: Record<K, SubscriptionResponseWrapper<VO>>): void {
    const current = this.values.get(record.key);
    const currentHash =
      current === undefined ? null : hashOf(this.vSerde.serializer(`${this.topic}-vh`, current.value));
    if (!sameHash(record.value.hash, currentHash)) return; // stale: the row changed after it subscribed
    const foreignValue = record.value.foreignValue;
    const result =
      foreignValue === null && (!this.leftJoin || current === undefined)
        ? null
        : this.joiner(current!.value, foreignValue, record.key);
    this.context.forward(record.withValue(result));
  }
}

/** The nodes a foreign-key join adds, named and numbered as Kafka Streams names them. */
export function foreignKeyJoin<K, V, KO, VO, VR>(
  table: TableSide<K, V>,
  other: TableSide<KO, VO>,
  foreignKeyExtractor: (value: V, key: K) => KO,
  joiner: ValueJoiner<V, VO | null, VR, K>,
  tableJoined: TableJoined<K, KO> | undefined,
  materialized: Materialized<K, VR> | undefined,
  leftJoin: boolean,
  makeResultTable: (resolverName: string, resultName: string, store: StoreSpec<K, VR>) => void,
): void {
  const builder = table.builder;
  const topology = builder.topology;
  const named = tableJoined?.name;
  other.enableSendingOldValues(true);
  table.enableSendingOldValues(true);
  const subscriptionTopic = `${builder.suffixed(named, '-subscription-registration', 'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-')}-topic`;
  topology.addRepartitionTopic({ name: subscriptionTopic, partitions: undefined, generatedName: named === undefined });
  const subscriptionSerde = new SubscriptionWrapperSerde<K>(table.keySerde);
  const responseSerde = new SubscriptionResponseWrapperSerde<VO>(other.valueSerde);

  const sendName = builder.suffixed(
    named,
    '-subscription-registration-processor',
    'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-',
  );
  builder.addProcessor(
    sendName,
    () =>
      new SubscriptionSendProcessor<K, V, KO>(
        foreignKeyExtractor,
        leftJoin,
        other.keySerde,
        table.valueSerde,
        subscriptionTopic,
      ),
    table.nodeName,
  );
  const registrationSink = builder.suffixed(named, '-subscription-registration-sink', 'KTABLE-SINK-');
  const otherPartitioner = tableJoined?.otherPartitioner;
  topology.addSink(
    registrationSink,
    subscriptionTopic,
    {
      keySerde: other.keySerde,
      valueSerde: subscriptionSerde as never,
      partitioner:
        otherPartitioner === undefined
          ? undefined
          : (topic, key, _value, partitions) => otherPartitioner(topic, key as KO, undefined, partitions),
    },
    sendName,
  );
  const registrationSource = builder.suffixed(named, '-subscription-registration-source', 'KTABLE-SOURCE-');
  topology.addSource(registrationSource, subscriptionTopic, {
    keySerde: other.keySerde,
    valueSerde: subscriptionSerde as never,
  });
  copartitionNodes(topology, [other.nodeName, registrationSource]);

  const storeName = builder.suffixed(named, '-subscription-store', 'KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-');
  topology.addStateStoreInternal(
    // default.dsl.store decides (in memory or LMDB), as Java's subscription store follows DslStoreSuppliers.
    new KeyValueStoreBuilder(
      { name: storeName, kind: 'in-memory' },
      bytesSerdeInstance,
      subscriptionSerde as never,
      true,
      {},
      true,
    ),
    named === undefined,
  );
  const receiveName = builder.suffixed(named, '-subscription-receive', 'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-');
  const foreignValues = other.valueGetterSupplier();
  const joinForeignName = builder.suffixed(
    named,
    '-subscription-join-foreign',
    'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-',
  );
  builder.addProcessor(
    receiveName,
    () => new SubscriptionReceiveProcessor<K, KO>(storeName, other.keySerde, table.keySerde, subscriptionTopic),
    registrationSource,
  );
  topology.connectProcessorAndStateStores(receiveName, storeName);
  builder.addProcessor(joinForeignName, () => new SubscriptionJoinProcessor<K, KO, VO>(foreignValues), receiveName);
  if (foreignValues.storeNames.length > 0)
    topology.connectProcessorAndStateStores(joinForeignName, ...foreignValues.storeNames);
  const foreignJoinName = builder.suffixed(
    named,
    '-foreign-join-subscription',
    'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-',
  );
  builder.addProcessor(
    foreignJoinName,
    () => new ForeignTableJoinProcessor<K, KO, VO>(storeName, other.keySerde, subscriptionTopic),
    other.nodeName,
  );
  topology.connectProcessorAndStateStores(foreignJoinName, storeName);

  const responseTopic = `${builder.suffixed(named, '-subscription-response', 'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-')}-topic`;
  topology.addRepartitionTopic({ name: responseTopic, partitions: undefined, generatedName: named === undefined });
  const responseSink = builder.suffixed(named, '-subscription-response-sink', 'KTABLE-SINK-');
  const partitioner = tableJoined?.partitioner;
  topology.addSink(
    responseSink,
    responseTopic,
    {
      keySerde: table.keySerde,
      valueSerde: responseSerde as never,
      // Back to the partition the subscription came from, unless the user partitions this table otherwise.
      partitioner: (topic, key, value, partitions) =>
        partitioner === undefined
          ? (value as SubscriptionResponseWrapper<VO>).primaryPartition
          : partitioner(topic, key as K, undefined, partitions),
    },
    joinForeignName,
    foreignJoinName,
  );
  const responseSource = builder.suffixed(named, '-subscription-response-source', 'KTABLE-SOURCE-');
  topology.addSource(responseSource, responseTopic, { keySerde: table.keySerde, valueSerde: responseSerde as never });
  copartitionNodes(topology, [table.nodeName, responseSource]);

  const primaryValues = table.valueGetterSupplier();
  const resolverName = builder.suffixed(
    named,
    '-subscription-response-resolver',
    'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-',
  );
  builder.addProcessor(
    resolverName,
    () => new ResponseJoinProcessor<K, V, VO, VR>(primaryValues, table.valueSerde, joiner, leftJoin, responseTopic),
    responseSource,
  );
  if (primaryValues.storeNames.length > 0)
    topology.connectProcessorAndStateStores(resolverName, ...primaryValues.storeNames);
  if (named === undefined) {
    // Checked under ensure.explicit.internal.resource.naming: TableJoined.as(name) names them all.
    topology.generatedInternalNames.push(
      `repartition topic "${subscriptionTopic}"`,
      `repartition topic "${responseTopic}"`,
      `store "${storeName}"`,
      `changelog topic of store "${storeName}"`,
    );
  }
  const resultName = builder.suffixed(named, '-result', 'KTABLE-FK-JOIN-OUTPUT-');
  const store = builder.storeSpec<K, VR>(materialized, 'KTABLE-FK-JOIN-OUTPUT-', table.keySerde, undefined);
  makeResultTable(resolverName, resultName, store);
}
