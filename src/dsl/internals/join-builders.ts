/**
 * Where the DSL's join operators add their nodes, named and numbered exactly as Kafka Streams does (so that
 * describe(), store names and internal topic names match Java's for the same program). KStream and KTable
 * call these and wrap the returned node in a new stream or table.
 */
import type { SerdeLike } from '../../processor/internals/serde-like.ts';
import { KeyValueStoreBuilder } from '../../state/store-builder.ts';
import { WindowStoreBuilder, type WindowStoreSupplier } from '../../state/window-store-builder.ts';
import { copartitionNodes } from '../../topology/internals/copartition-groups.ts';
import { TopologyException } from '../../topology/topology.ts';
import type { GlobalKTable } from '../global-ktable.ts';
import type { JoinWindows } from '../join-windows.ts';
import type { Joined } from '../joined.ts';
import type { Materialized } from '../materialized.ts';
import type { Named } from '../named.ts';
import type { StreamJoined } from '../stream-joined.ts';
import type { KeySelector, ValueJoiner } from '../value-joiner.ts';
import type { InternalStreamsBuilder } from './internal-streams-builder.ts';
import {
  KStreamJoinWindowProcessor,
  KStreamKStreamJoinProcessor,
  TimeTrackerSupplier,
} from './kstream-kstream-join.ts';
import { KStreamKTableJoinProcessor } from './kstream-ktable-join.ts';
import {
  type JoinSpec,
  joinValueGetterSupplier,
  KTableKTableJoinMerger,
  KTableKTableJoinProcessor,
  type TableJoinKind,
} from './ktable-ktable-join.ts';
import { type KTableValueGetterSupplier, storeValueGetterSupplier } from './ktable-value-getter.ts';
import { LeftOrRightValueListSerde, TimestampedKeyAndJoinSideSerde } from './outer-join-store.ts';
import { PassThroughProcessor } from './stream-processors.ts';
import type { TableSpec } from './table-processors.ts';

/** What a join needs to know of a KStream. */
export interface StreamSide<K, V> {
  readonly builder: InternalStreamsBuilder;
  readonly nodeName: string;
  readonly keySerde: SerdeLike<K> | undefined;
  readonly valueSerde: SerdeLike<V> | undefined;
  readonly repartitionRequired: boolean;
}

/** What a join needs to know of a KTable. */
export interface TableSide<K, V> {
  readonly builder: InternalStreamsBuilder;
  readonly nodeName: string;
  readonly keySerde: SerdeLike<K> | undefined;
  readonly valueSerde: SerdeLike<V> | undefined;
  enableSendingOldValues(force: boolean): boolean;
  valueGetterSupplier(): KTableValueGetterSupplier<K, V>;
}

/** A new node and the serdes its stream or table starts with. */
export interface JoinResult<K, V> {
  readonly nodeName: string;
  readonly keySerde: SerdeLike<K> | undefined;
  readonly valueSerde: SerdeLike<V> | undefined;
}

/** Repartition source already made for a stream (Kafka Streams reuses it when the stream is joined again). */
const repartitionedForJoin = new WeakMap<object, string>();

/**
 * Java's `repartitionForJoin`: a repartition topic `<name>-repartition` (names burn counters every time, as
 * in Java; an unnamed stream joined twice reuses its first repartition topic).
 */
function repartitionForJoin<K, V>(
  stream: StreamSide<K, V>,
  repartitionName: string,
  keySerde: SerdeLike<K> | undefined,
  valueSerde: SerdeLike<V> | undefined,
): StreamSide<K, V> {
  const builder = stream.builder;
  const reuse = repartitionName === stream.nodeName ? repartitionedForJoin.get(stream) : undefined;
  const resolvedKeySerde = keySerde ?? stream.keySerde;
  const resolvedValueSerde = valueSerde ?? stream.valueSerde;
  let source: string;
  if (reuse !== undefined) {
    // Burn the three names Java generates anyway.
    builder.newProcessorName('KSTREAM-SINK-');
    builder.newProcessorName('KSTREAM-FILTER-');
    builder.newProcessorName('KSTREAM-SOURCE-');
    source = reuse;
  } else {
    source = builder.repartition(stream.nodeName, repartitionName, {
      keySerde: resolvedKeySerde,
      valueSerde: resolvedValueSerde,
      generatedName: /^KSTREAM.*-[0-9]{10}$/.test(repartitionName),
    });
    if (repartitionName === stream.nodeName) repartitionedForJoin.set(stream, source);
  }
  return {
    builder,
    nodeName: source,
    keySerde: resolvedKeySerde,
    valueSerde: resolvedValueSerde,
    repartitionRequired: false,
  };
}

function checkSameBuilder(a: { builder: InternalStreamsBuilder }, b: { builder: InternalStreamsBuilder }): void {
  if (a.builder !== b.builder) throw new TypeError('a join needs both sides from the same StreamsBuilder');
}

/** KStream#join/leftJoin(KTable). */
export function streamTableJoin<K, V, VT, VR>(
  stream: StreamSide<K, V>,
  table: TableSide<K, VT>,
  joiner: ValueJoiner<V, any, VR, K>,
  joined: Joined<K, V, VT> | undefined,
  leftJoin: boolean,
): JoinResult<K, VR> {
  checkSameBuilder(stream, table);
  const builder = stream.builder;
  let side = stream;
  if (stream.repartitionRequired) {
    side = repartitionForJoin(stream, joined?.name ?? stream.nodeName, joined?.keySerde, joined?.valueSerde);
  }
  copartitionNodes(builder.topology, [side.nodeName, table.nodeName]);
  const name = builder.name(joined?.name, leftJoin ? 'KSTREAM-LEFTJOIN-' : 'KSTREAM-JOIN-');
  if (joined?.gracePeriodMs !== undefined) {
    // Kafka Streams accepts a grace period only over a versioned table; Tributary has no versioned stores yet.
    throw new TopologyException(
      `join "${name}": a grace period needs a versioned table (KTable must be versioned to use a grace period in a stream table join), and Tributary has no versioned stores yet`,
    );
  }
  const getter = table.valueGetterSupplier();
  builder.addProcessor(
    name,
    () => new KStreamKTableJoinProcessor<K, V, K, VT, VR>(getter, (key) => key, joiner, leftJoin),
    side.nodeName,
  );
  if (getter.storeNames.length > 0) builder.topology.connectProcessorAndStateStores(name, ...getter.storeNames);
  return { nodeName: name, keySerde: joined?.keySerde ?? side.keySerde, valueSerde: undefined };
}

/** KStream#join/leftJoin(GlobalKTable, keySelector, joiner). The global store needs no connection. */
export function globalTableJoin<K, V, KG, VG, VR>(
  stream: StreamSide<K, V>,
  globalTable: GlobalKTable<KG, VG>,
  keySelector: KeySelector<K, V, KG>,
  joiner: ValueJoiner<V, any, VR, K>,
  named: Named | undefined,
  leftJoin: boolean,
): string {
  const builder = stream.builder;
  // Kafka Streams names both inner and left global joins KSTREAM-LEFTJOIN-.
  const name = builder.name(named?.name, 'KSTREAM-LEFTJOIN-');
  const store = storeValueGetterSupplier<KG, VG>(globalTable.queryableStoreName);
  const getter: KTableValueGetterSupplier<KG, VG> = { get: store.get, storeNames: [] };
  builder.addProcessor(
    name,
    () => new KStreamKTableJoinProcessor<K, V, KG, VG, VR>(getter, keySelector, joiner, leftJoin),
    stream.nodeName,
  );
  return name;
}

/** KTable#join/leftJoin/outerJoin(KTable). */
export function tableTableJoin<K, V, VO, VR>(
  table: TableSide<K, V>,
  other: TableSide<K, VO>,
  joiner: ValueJoiner<any, any, VR, K>,
  kind: 'inner' | 'left' | 'outer',
  named: Named | undefined,
  materialized: Materialized<K, VR> | undefined,
): JoinResult<K, VR> & {
  spec: TableSpec;
  enableSendingOldValues: (force: boolean) => boolean;
  valueGetterSupplier: () => KTableValueGetterSupplier<K, VR>;
} {
  checkSameBuilder(table, other);
  const builder = table.builder;
  const store =
    materialized === undefined
      ? undefined
      : builder.storeSpec(materialized, 'KTABLE-MERGE-', table.keySerde, undefined);
  const mergeName = builder.name(named?.name, 'KTABLE-MERGE-');
  copartitionNodes(builder.topology, [table.nodeName, other.nodeName]);
  const leftOuter = kind !== 'inner';
  const rightOuter = kind === 'outer';
  if (leftOuter) table.enableSendingOldValues(true);
  if (rightOuter) other.enableSendingOldValues(true);
  const thisKind: TableJoinKind = kind;
  const otherKind: TableJoinKind = kind === 'left' ? 'right' : kind;
  const joinThisName = builder.suffixed(named?.name, '-join-this', 'KTABLE-JOINTHIS-');
  const joinOtherName = builder.suffixed(named?.name, '-join-other', 'KTABLE-JOINOTHER-');
  const thisGetter = table.valueGetterSupplier();
  const otherGetter = other.valueGetterSupplier();
  const thisSpec: JoinSpec = { sendOldValues: false };
  const otherSpec: JoinSpec = { sendOldValues: false };
  const mergeSpec: TableSpec = { sendOldValues: false, storeName: store?.name };
  const reversed = (otherValue: VO | null, value: V | null, key: K) => joiner(value, otherValue, key);
  builder.addProcessor(
    joinThisName,
    () => new KTableKTableJoinProcessor<K, V, VO, VR>(thisKind, thisSpec, joiner, otherGetter),
    table.nodeName,
  );
  builder.addProcessor(
    joinOtherName,
    () => new KTableKTableJoinProcessor<K, VO, V, VR>(otherKind, otherSpec, reversed, thisGetter),
    other.nodeName,
  );
  builder.addProcessor(
    mergeName,
    () => new KTableKTableJoinMerger<K, VR>(mergeSpec, store?.name),
    joinThisName,
    joinOtherName,
  );
  if (otherGetter.storeNames.length > 0)
    builder.topology.connectProcessorAndStateStores(joinThisName, ...otherGetter.storeNames);
  if (thisGetter.storeNames.length > 0)
    builder.topology.connectProcessorAndStateStores(joinOtherName, ...thisGetter.storeNames);
  if (store !== undefined) builder.addStore(store, mergeName);
  const joinedView = joinValueGetterSupplier<K, V, VO, VR>(kind, thisGetter, otherGetter, joiner);
  return {
    nodeName: mergeName,
    keySerde: store?.keySerde ?? table.keySerde,
    valueSerde: store?.valueSerde,
    spec: mergeSpec,
    enableSendingOldValues: () => {
      // Old joined rows are computed from old input rows: both inputs must send theirs (and be materialized).
      table.enableSendingOldValues(true);
      other.enableSendingOldValues(true);
      thisSpec.sendOldValues = true;
      otherSpec.sendOldValues = true;
      mergeSpec.sendOldValues = true;
      return true;
    },
    valueGetterSupplier: () => (store === undefined ? joinedView : storeValueGetterSupplier<K, VR>(store.name)),
  };
}

function joinWindowStore(
  name: string,
  windows: JoinWindows,
  supplier: WindowStoreSupplier | undefined,
  keySerde: SerdeLike<any> | undefined,
  valueSerde: SerdeLike<any> | undefined,
  streamJoined: StreamJoined<any, any, any> | undefined,
): WindowStoreBuilder<any, any> {
  const retention = windows.size() + windows.gracePeriodMs();
  if (supplier !== undefined) {
    if (!supplier.retainDuplicates)
      throw new TopologyException(
        `store "${supplier.name}": The StoreSupplier must set retainDuplicates=true, found retainDuplicates=false`,
      );
    if (supplier.retentionPeriod !== retention || supplier.windowSize !== windows.size())
      throw new TopologyException(
        `store "${supplier.name}": Window settings mismatch. The store's retention (${supplier.retentionPeriod}) and window size (${supplier.windowSize}) must match the JoinWindows' (${retention} and ${windows.size()})`,
      );
    return new WindowStoreBuilder(supplier, keySerde, valueSerde);
  }
  const loggingEnabled = streamJoined?.loggingEnabled ?? true;
  // The stores retain duplicates, so their changelogs must not be compacted.
  const logConfig = loggingEnabled ? { ...(streamJoined?.logConfig ?? {}), 'cleanup.policy': 'delete' } : {};
  return new WindowStoreBuilder(
    { name, kind: 'in-memory-window', retentionPeriod: retention, windowSize: windows.size(), retainDuplicates: true },
    keySerde,
    valueSerde,
    loggingEnabled,
    logConfig,
    true, // default.dsl.store decides (in memory or LMDB)
  );
}

/** KStream#join/leftJoin/outerJoin(KStream, joiner, JoinWindows, StreamJoined). */
export function streamStreamJoin<K, V, VO, VR>(
  thisStream: StreamSide<K, V>,
  otherStream: StreamSide<K, VO>,
  joiner: ValueJoiner<any, any, VR, K>,
  windows: JoinWindows,
  streamJoined: StreamJoined<K, V, VO> | undefined,
  leftOuter: boolean,
  rightOuter: boolean,
): JoinResult<K, VR> {
  checkSameBuilder(thisStream, otherStream);
  if (windows === undefined || windows === null || typeof windows.size !== 'function')
    throw new TypeError('a stream-stream join needs JoinWindows (e.g. JoinWindows.ofTimeDifferenceWithNoGrace(5000))');
  const builder = thisStream.builder;
  const named = streamJoined?.name;
  let left: StreamSide<K, V> = thisStream;
  let right: StreamSide<K, VO> = otherStream;
  if (left.repartitionRequired) {
    const topic = named === undefined ? left.nodeName : `${named}-left`;
    left = repartitionForJoin(left, topic, streamJoined?.keySerde, streamJoined?.valueSerde);
  }
  if (right.repartitionRequired) {
    const topic = named === undefined ? right.nodeName : `${named}-right`;
    right = repartitionForJoin(right, topic, streamJoined?.keySerde, streamJoined?.otherValueSerde);
  }
  copartitionNodes(builder.topology, [left.nodeName, right.nodeName]);

  const thisSuffix = rightOuter ? '-outer-this-join' : '-this-join';
  const otherSuffix = leftOuter ? '-outer-other-join' : '-other-join';
  const thisWindowedName = builder.suffixed(named, '-this-windowed', 'KSTREAM-WINDOWED-');
  const otherWindowedName = builder.suffixed(named, '-other-windowed', 'KSTREAM-WINDOWED-');
  const joinThisGenerated = builder.newProcessorName(rightOuter ? 'KSTREAM-OUTERTHIS-' : 'KSTREAM-JOINTHIS-');
  const joinOtherGenerated = builder.newProcessorName(leftOuter ? 'KSTREAM-OUTEROTHER-' : 'KSTREAM-JOINOTHER-');
  const joinThisName = named === undefined ? joinThisGenerated : named + thisSuffix;
  const joinOtherName = named === undefined ? joinOtherGenerated : named + otherSuffix;
  const mergeName = builder.suffixed(named, '-merge', 'KSTREAM-MERGE-');

  const thisSupplier = streamJoined?.thisStoreSupplier;
  const otherSupplier = streamJoined?.otherStoreSupplier;
  if (thisSupplier !== undefined && otherSupplier !== undefined && thisSupplier.name === otherSupplier.name)
    throw new TopologyException(
      `both store suppliers of the join are named "${thisSupplier.name}": StoreSuppliers must provide unique names`,
    );
  const baseStoreName = streamJoined?.storeName;
  const keySerde = streamJoined?.keySerde;
  const thisStore = joinWindowStore(
    `${baseStoreName === undefined ? joinThisGenerated : baseStoreName + thisSuffix}-store`,
    windows,
    thisSupplier,
    keySerde,
    streamJoined?.valueSerde,
    streamJoined,
  );
  const otherStore = joinWindowStore(
    `${baseStoreName === undefined ? joinOtherGenerated : baseStoreName + otherSuffix}-store`,
    windows,
    otherSupplier,
    keySerde,
    streamJoined?.otherValueSerde,
    streamJoined,
  );

  let outerStoreName: string | undefined;
  if (leftOuter) {
    const outerSuffix = rightOuter ? '-outer-shared-join' : '-left-shared-join';
    const base =
      thisSupplier !== undefined && thisSupplier.name.length > 0
        ? thisSupplier.name + outerSuffix
        : baseStoreName !== undefined
          ? baseStoreName + outerSuffix
          : `KSTREAM-OUTERSHARED-${joinThisGenerated.slice((rightOuter ? 'KSTREAM-OUTERTHIS-' : 'KSTREAM-JOINTHIS-').length)}`;
    outerStoreName = `${base}-store`;
  }

  builder.addProcessor(thisWindowedName, () => new KStreamJoinWindowProcessor(thisStore.name), left.nodeName);
  builder.addProcessor(otherWindowedName, () => new KStreamJoinWindowProcessor(otherStore.name), right.nodeName);
  const timeTrackers = new TimeTrackerSupplier();
  const reversed = (otherValue: VO | null, value: V | null, key: K) => joiner(value, otherValue, key);
  builder.addProcessor(
    joinThisName,
    () =>
      new KStreamKStreamJoinProcessor<K, V, VO, VR>({
        leftSide: true,
        otherWindowStoreName: otherStore.name,
        windows,
        joiner,
        outer: leftOuter,
        outerJoinStoreName: outerStoreName,
        timeTrackers,
      }),
    thisWindowedName,
  );
  builder.addProcessor(
    joinOtherName,
    () =>
      new KStreamKStreamJoinProcessor<K, VO, V, VR>({
        leftSide: false,
        otherWindowStoreName: thisStore.name,
        windows,
        joiner: reversed,
        outer: rightOuter,
        outerJoinStoreName: outerStoreName,
        timeTrackers,
      }),
    otherWindowedName,
  );
  builder.addProcessor(mergeName, () => new PassThroughProcessor(), joinThisName, joinOtherName);
  const topology = builder.topology;
  const generatedStores = baseStoreName === undefined;
  topology.addStateStoreInternal(
    thisStore,
    generatedStores && thisSupplier === undefined,
    thisWindowedName,
    joinOtherName,
  );
  topology.addStateStoreInternal(
    otherStore,
    generatedStores && otherSupplier === undefined,
    otherWindowedName,
    joinThisName,
  );
  if (outerStoreName !== undefined) {
    const loggingEnabled = streamJoined?.loggingEnabled ?? true;
    topology.addStateStoreInternal(
      new KeyValueStoreBuilder(
        { name: outerStoreName, kind: 'in-memory' },
        new TimestampedKeyAndJoinSideSerde<K>(keySerde) as never,
        new LeftOrRightValueListSerde<V, VO>(streamJoined?.valueSerde, streamJoined?.otherValueSerde) as never,
        loggingEnabled,
        loggingEnabled ? (streamJoined?.logConfig ?? {}) : {},
        thisSupplier === undefined, // default.dsl.store decides, unless the user chose the join's stores
      ),
      generatedStores && thisSupplier === undefined,
      joinThisName,
      joinOtherName,
    );
  }
  if (generatedStores) {
    const logged = streamJoined?.loggingEnabled ?? true;
    for (const store of [thisStore.name, otherStore.name, outerStoreName]) {
      if (store === undefined) continue;
      topology.generatedInternalNames.push(`store "${store}"`);
      if (logged) topology.generatedInternalNames.push(`changelog topic of store "${store}"`);
    }
  }
  return { nodeName: mergeName, keySerde, valueSerde: undefined };
}
