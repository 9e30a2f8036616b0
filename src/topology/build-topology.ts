/**
 * Turns a Topology into what a driver runs (the task contract's BuiltTopology): sub-topologies with their
 * topics and stores, the internal topics to create (`<application.id>-<name>-repartition`,
 * `<application.id>-<store>-changelog`), and a factory for tasks.
 */
import type { TopicPartition } from '../kafka/backend.ts';
import { StreamTaskImpl, type TaskBlueprint } from '../processor/internals/stream-task.ts';
import type {
  BuiltTopology,
  GlobalStoreSpec,
  InternalTopicSpec,
  StreamTask,
  SubtopologySpec,
  TaskEnvironment,
  TaskId,
} from '../processor/internals/task-contract.ts';
import { SessionStoreBuilder } from '../state/session-store-builder.ts';
import { type DslStoreType, KeyValueStoreBuilder, type StoreBuilder } from '../state/store-builder.ts';
import { WindowStoreBuilder } from '../state/window-store-builder.ts';
import { copartitionTopicGroups } from './internals/copartition-groups.ts';
import type { NodeDefinition } from './internals/node-definitions.ts';
import { type Topology, TopologyException } from './topology.ts';

/** Kafka Streams' defaults for repartition topics (`RepartitionTopicConfig`). */
const REPARTITION_TOPIC_CONFIGS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'segment.bytes': '52428800',
  'retention.ms': '-1',
  'message.timestamp.type': 'CreateTime',
};

/** Kafka Streams' defaults for key-value store changelogs (compacted: the latest value per key). */
const CHANGELOG_TOPIC_CONFIGS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'compact',
  'message.timestamp.type': 'CreateTime',
};

/**
 * A store's changelog topic configs. Builders whose configs depend on the streams config (window stores:
 * `windowstore.changelog.additional.retention.ms`) compute them through `changelogConfigs(config)`.
 */
function changelogConfigsOf(
  builder: StoreBuilder,
  config: Readonly<Record<string, unknown>>,
): Readonly<Record<string, string>> {
  const withConfig = builder as StoreBuilder & {
    changelogConfigs?: (config: Readonly<Record<string, unknown>>) => Readonly<Record<string, string>>;
  };
  return withConfig.changelogConfigs === undefined ? builder.logConfig : withConfig.changelogConfigs(config);
}

export interface BuiltSubtopology extends SubtopologySpec {
  readonly blueprint: TaskBlueprint;
}

export class BuiltTopologyImpl implements BuiltTopology {
  readonly applicationId: string;
  readonly subtopologies: readonly BuiltSubtopology[];
  readonly internalTopics: readonly InternalTopicSpec[];
  /** Source topics that must have equal partition counts (the two sides of each join). */
  readonly copartitionGroups: readonly (readonly string[])[];
  readonly topology: Topology;
  readonly globalStores: readonly GlobalStoreSpec[];
  private readonly globalBlueprint: TaskBlueprint | undefined;
  private readonly globalSubtopologyId: number;

  constructor(
    applicationId: string,
    topology: Topology,
    subtopologies: BuiltSubtopology[],
    internalTopics: InternalTopicSpec[],
    globals: { specs: GlobalStoreSpec[]; blueprint: TaskBlueprint | undefined; id: number },
  ) {
    this.applicationId = applicationId;
    this.topology = topology;
    this.copartitionGroups = copartitionTopicGroups(topology, applicationId);
    this.subtopologies = subtopologies;
    this.internalTopics = internalTopics;
    this.globalStores = globals.specs;
    this.globalBlueprint = globals.blueprint;
    this.globalSubtopologyId = globals.id;
  }

  /**
   * Compatible extension of the contract: `inputPartitions` may name the task's partitions (needed for
   * pattern sources and for topics with fewer partitions than the task's number); by default the task reads
   * partition `id.partition` of every source topic of its sub-topology.
   */
  createTask(id: TaskId, env: TaskEnvironment, inputPartitions?: readonly TopicPartition[]): StreamTask {
    const subtopology = this.subtopologies.find((s) => s.id === id.subtopology);
    if (subtopology === undefined) {
      throw new TopologyException(
        `task ${id.subtopology}_${id.partition}: the topology has no sub-topology ${id.subtopology}`,
      );
    }
    const partitions = inputPartitions ?? subtopology.sourceTopics.map((topic) => ({ topic, partition: id.partition }));
    return new StreamTaskImpl(id, subtopology.blueprint, env, partitions);
  }

  /** The task of all global stores: id `<first global sub-topology>_-1`, reading every given partition. */
  createGlobalTask(env: TaskEnvironment, partitions: readonly TopicPartition[]): StreamTask {
    if (this.globalBlueprint === undefined) throw new TopologyException('the topology has no global store');
    return new StreamTaskImpl(
      { subtopology: this.globalSubtopologyId, partition: -1 },
      this.globalBlueprint,
      env,
      partitions,
    );
  }
}

function applicationIdFrom(config: Readonly<Record<string, unknown>>): string {
  const applicationId = config['application.id'];
  if (typeof applicationId !== 'string' || applicationId.length === 0) {
    throw new TopologyException(
      'config "application.id" is required: it names the consumer group and prefixes internal topics',
    );
  }
  return applicationId;
}

function checkExplicitNaming(topology: Topology, config: Readonly<Record<string, unknown>>): void {
  const setting = config['ensure.explicit.internal.resource.naming'];
  if (!(setting === true || setting === 'true')) return;
  if (topology.generatedInternalNames.length === 0) return;
  throw new TopologyException(
    `"ensure.explicit.internal.resource.naming" is on, but these internal topics and stores have generated names: ` +
      `${topology.generatedInternalNames.join(', ')}. Name them with Grouped.as(), Materialized.as(), ` +
      'Repartitioned.as() (or their name options), so that changing the topology does not rename them',
  );
}

let optimizationWarned = false;

/** `default.dsl.store`: Tributary keeps `in_memory` as its default (Java's is `rocksDB`, here LMDB). */
function dslStoreTypeFrom(config: Readonly<Record<string, unknown>>): DslStoreType {
  const value = config['default.dsl.store'] ?? 'in_memory';
  if (value !== 'in_memory' && value !== 'rocksDB')
    throw new TopologyException(`default.dsl.store must be "in_memory" or "rocksDB", got ${JSON.stringify(value)}`);
  return value;
}

export function buildTopology(topology: Topology, config: Readonly<Record<string, unknown>>): BuiltTopologyImpl {
  const applicationId = applicationIdFrom(config);
  checkExplicitNaming(topology, config);
  const optimization = config['topology.optimization'];
  if (optimization !== undefined && optimization !== 'none' && !optimizationWarned) {
    // The layout stays Kafka Streams' default (topology.optimization=none): same topics and stores as Java's.
    optimizationWarned = true;
    console.warn(
      `tributary: "topology.optimization"=${String(optimization)} is not supported yet; the topology runs unoptimized`,
    );
  }
  if (topology.nodes.size === 0)
    throw new TopologyException('the topology is empty: add a source (builder.stream(...))');

  const decorateTopic = (topic: string) =>
    topology.repartitionTopics.has(topic) ? `${applicationId}-${topic}` : topic;
  const changelogs = new Map<string, string>();
  for (const [name, store] of topology.stores) {
    if (store.builder.loggingEnabled) changelogs.set(name, `${applicationId}-${name}-changelog`);
  }
  const changelogTopicFor = (store: string) => changelogs.get(store);

  const internalTopics: InternalTopicSpec[] = [];
  for (const repartition of topology.repartitionTopics.values()) {
    internalTopics.push({
      name: decorateTopic(repartition.name),
      kind: 'repartition',
      partitions: repartition.partitions,
      configs: REPARTITION_TOPIC_CONFIGS,
    });
  }

  const globalStoreNames: ReadonlySet<string> = new Set(topology.globalStores.keys());
  const subtopologies: BuiltSubtopology[] = [];
  const globalSpecs: GlobalStoreSpec[] = [];
  const globalNodes: NodeDefinition[] = [];
  const globalStoreBuilders: StoreBuilder[] = [];
  let globalId = -1;
  for (const layout of topology.subtopologies()) {
    const nodes: NodeDefinition[] = layout.nodeNames.map((name) => topology.nodes.get(name)!);
    if (layout.global) {
      if (globalId < 0) globalId = layout.id;
      globalNodes.push(...nodes);
      for (const node of nodes) {
        if (node.kind !== 'processor') continue;
        for (const store of node.stores) {
          const source = nodes.find((n) => n.kind === 'source');
          globalSpecs.push({ storeName: store, sourceTopics: source?.kind === 'source' ? [...source.topics] : [] });
          globalStoreBuilders.push(topology.stores.get(store)!.builder);
        }
      }
      continue;
    }
    const sourceTopics: string[] = [];
    const sourcePatterns: RegExp[] = [];
    const sinkTopics: string[] = [];
    const stores: string[] = [];
    for (const node of nodes) {
      if (node.kind === 'source') {
        for (const topic of node.topics) sourceTopics.push(decorateTopic(topic));
        if (node.pattern !== undefined) sourcePatterns.push(node.pattern);
      } else if (node.kind === 'sink') {
        if (typeof node.topic === 'string') {
          const topic = decorateTopic(node.topic);
          if (!sinkTopics.includes(topic)) sinkTopics.push(topic);
        }
      } else {
        for (const store of node.stores) if (!stores.includes(store)) stores.push(store);
      }
    }
    for (const node of nodes) {
      if (node.kind !== 'source' && node.parents.length === 0) {
        throw new TopologyException(`node "${node.name}" has no parent`);
      }
    }
    const dslStoreType = dslStoreTypeFrom(config);
    const storeBuilders: StoreBuilder[] = stores.map((name) => {
      const builder = topology.stores.get(name)!.builder;
      // A DSL store the user did not choose a type for follows default.dsl.store (Java's DslStoreSuppliers).
      return builder instanceof KeyValueStoreBuilder ||
        builder instanceof WindowStoreBuilder ||
        builder instanceof SessionStoreBuilder
        ? builder.withDslStoreType(dslStoreType)
        : builder;
    });
    const subtopologyChangelogs = new Map<string, string>();
    for (const store of stores) {
      const changelog = changelogs.get(store);
      if (changelog === undefined) continue;
      subtopologyChangelogs.set(store, changelog);
      internalTopics.push({
        name: changelog,
        kind: 'changelog',
        partitions: undefined,
        configs: { ...CHANGELOG_TOPIC_CONFIGS, ...changelogConfigsOf(topology.stores.get(store)!.builder, config) },
      });
    }
    subtopologies.push({
      id: layout.id,
      sourceTopics,
      sourcePatterns,
      sinkTopics,
      stores,
      changelogs: subtopologyChangelogs,
      blueprint: { applicationId, nodes, storeBuilders, decorateTopic, changelogTopicFor, globalStoreNames },
    });
  }
  for (const store of topology.stores.keys()) {
    if (!subtopologies.some((s) => s.stores.includes(store)) && !topology.globalStores.has(store)) {
      throw new TopologyException(`store "${store}" is not connected to any processor`);
    }
  }
  const globalBlueprint: TaskBlueprint | undefined =
    globalNodes.length === 0
      ? undefined
      : {
          applicationId,
          nodes: globalNodes,
          storeBuilders: globalStoreBuilders,
          decorateTopic,
          changelogTopicFor: () => undefined,
        };
  return new BuiltTopologyImpl(applicationId, topology, subtopologies, internalTopics, {
    specs: globalSpecs,
    blueprint: globalBlueprint,
    id: globalId,
  });
}
