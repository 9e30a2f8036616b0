/**
 * Prepares the topics an application needs before it joins its group (Java's InternalTopicManager and the
 * topic part of the assignor):
 * - resolves source patterns to the topics that exist now;
 * - fails with {@link MissingSourceTopicException} naming every missing user source topic (never a hang);
 * - sizes repartition topics (the largest partition count of the writing sub-topology's sources, unless fixed,
 *   then made equal to their co-partitioned peers) and changelog topics (the owning sub-topology's task count);
 * - creates the internal topics with Kafka Streams' topic configs and checks existing ones have the expected
 *   partition count.
 */

import { MissingSourceTopicException, StreamsException } from '../errors/streams-exception.ts';
import type { Admin, NewTopic } from '../kafka/backend.ts';
import type { BuiltTopology, InternalTopicSpec } from '../processor/internals/task-contract.ts';
import { checkCopartitioning, type SubtopologySources, taskCount } from './task-layout.ts';

/** Java's RepartitionTopicConfig defaults: records are deleted by the runtime after commit, never by age. */
const REPARTITION_DEFAULTS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'retention.ms': '-1',
  'segment.bytes': '52428800',
  'message.timestamp.type': 'CreateTime',
};

/** Java's UnwindowedUnversionedChangelogTopicConfig defaults. */
const CHANGELOG_DEFAULTS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'compact',
  'message.timestamp.type': 'CreateTime',
};

export interface PreparedTopics {
  readonly subtopologies: readonly SubtopologySources[];
  /** Partition count of every source, sink-side internal and changelog topic known to the topology. */
  readonly partitionCounts: ReadonlyMap<string, number>;
  /** The internal topics as created (partition counts resolved). */
  readonly internalTopics: readonly NewTopic[];
}

export interface InternalTopicOptions {
  readonly replicationFactor: number;
  /** `topic.*` settings from StreamsConfig, applied to every internal topic. */
  readonly topicConfigs: Readonly<Record<string, string>>;
  /** How long to wait for created topics to become visible. */
  readonly timeoutMs?: number;
}

export async function prepareTopics(
  admin: Admin,
  topology: BuiltTopology,
  options: InternalTopicOptions,
): Promise<PreparedTopics> {
  const internalNames = new Set(topology.internalTopics.map((t) => t.name));
  const existing = new Set(await admin.listTopics());

  const subtopologies = resolveSourcePatterns(topology, existing);

  const userSources = [...new Set(subtopologies.flatMap((s) => s.sourceTopics))].filter((t) => !internalNames.has(t));
  const missing = userSources.filter((t) => !existing.has(t));
  if (missing.length > 0) throw new MissingSourceTopicException(missing.sort(), topology.applicationId);

  const counts = new Map<string, number>();
  // Output topics that exist now: the record collector partitions by their counts without asking first.
  const sinks = [...new Set(topology.subtopologies.flatMap((s) => s.sinkTopics))].filter(
    (t) => !internalNames.has(t) && existing.has(t) && !userSources.includes(t),
  );
  if (sinks.length > 0) {
    for (const description of await admin.describeTopics(sinks))
      counts.set(description.name, description.partitions.length);
  }
  if (userSources.length > 0) {
    for (const description of await admin.describeTopics(userSources))
      counts.set(description.name, description.partitions.length);
  }
  const internal = resolveInternalPartitionCounts(topology, subtopologies, counts);
  checkCopartitioning(topology.copartitionGroups, counts);

  const newTopics: NewTopic[] = topology.internalTopics.map((spec) => ({
    name: spec.name,
    partitions: internal.get(spec.name)!,
    replicationFactor: options.replicationFactor > 0 ? options.replicationFactor : undefined,
    configs: {
      ...(spec.kind === 'repartition' ? REPARTITION_DEFAULTS : CHANGELOG_DEFAULTS),
      ...options.topicConfigs,
      ...spec.configs,
    },
  }));
  if (newTopics.length > 0) {
    await admin.createTopics(newTopics, { ifNotExists: true });
    await awaitTopics(admin, newTopics, options.timeoutMs ?? 30_000);
  }
  return { subtopologies, partitionCounts: counts, internalTopics: newTopics };
}

/** The sub-topologies' source topics, with every existing topic a source pattern matches added. */
export function resolveSourcePatterns(
  topology: Pick<BuiltTopology, 'subtopologies' | 'internalTopics'>,
  existing: ReadonlySet<string>,
): SubtopologySources[] {
  const internalNames = new Set(topology.internalTopics.map((t) => t.name));
  return topology.subtopologies.map((s) => {
    const matched = [...existing].filter(
      (topic) => !internalNames.has(topic) && s.sourcePatterns.some((p) => p.test(topic)),
    );
    return { id: s.id, sourceTopics: [...new Set([...s.sourceTopics, ...matched])].sort() };
  });
}

/**
 * Fills `counts` with the partition count of every internal topic. Repartition topics take the largest source
 * partition count of the sub-topology that writes them (iterated until stable, since that sub-topology may
 * itself read a repartition topic); co-partitioned derived topics are then made equal to their group; changelogs
 * take the owning sub-topology's task count.
 */
export function resolveInternalPartitionCounts(
  topology: Pick<BuiltTopology, 'internalTopics' | 'subtopologies' | 'copartitionGroups'>,
  subtopologies: readonly SubtopologySources[],
  counts: Map<string, number>,
): Map<string, number> {
  const specs = new Map<string, InternalTopicSpec>(topology.internalTopics.map((t) => [t.name, t]));
  const derived = new Set<string>();
  for (const spec of specs.values()) {
    if (spec.kind === 'repartition' && spec.partitions !== undefined) counts.set(spec.name, spec.partitions);
  }
  const sourcesOf = new Map(subtopologies.map((s) => [s.id, s]));
  // As Kafka Streams does, a writer's known sources size the topic even while others are unknown: a
  // foreign-key join's two internal topics are written by each other's readers (each loop needs a start).
  const someSourceKnown = (s: SubtopologySources) => s.sourceTopics.some((t) => counts.has(t));

  for (let changed = true; changed; ) {
    changed = false;
    for (const spec of specs.values()) {
      if (spec.kind !== 'repartition' || counts.has(spec.name)) continue;
      const writers = topology.subtopologies
        .filter((s) => s.sinkTopics.includes(spec.name))
        .map((s) => sourcesOf.get(s.id)!);
      if (writers.length === 0 || !writers.every(someSourceKnown)) continue;
      counts.set(spec.name, Math.max(...writers.map((w) => taskCount(w, counts))));
      derived.add(spec.name);
      changed = true;
    }
  }
  for (const group of topology.copartitionGroups) {
    const fixed = group.filter((t) => counts.has(t) && !derived.has(t));
    const target = fixed.length > 0 ? counts.get(fixed[0])! : Math.max(0, ...group.map((t) => counts.get(t) ?? 0));
    for (const topic of group) if (derived.has(topic) && target > 0) counts.set(topic, target);
  }
  for (const spec of specs.values()) {
    if (spec.kind !== 'repartition') continue;
    if (!counts.has(spec.name)) {
      throw new StreamsException(
        `cannot size repartition topic "${spec.name}": no sub-topology writing it has sources with known partition counts`,
      );
    }
  }
  for (const spec of specs.values()) {
    if (spec.kind !== 'changelog') continue;
    if (spec.partitions !== undefined) {
      counts.set(spec.name, spec.partitions);
      continue;
    }
    const owner = topology.subtopologies.find((s) => [...s.changelogs.values()].includes(spec.name));
    if (owner === undefined) throw new StreamsException(`changelog topic "${spec.name}" belongs to no sub-topology`);
    counts.set(spec.name, taskCount(sourcesOf.get(owner.id)!, counts));
  }
  return new Map([...specs.keys()].map((name) => [name, counts.get(name)!]));
}

/** Waits until every topic is visible with its partitions; an existing topic with another count is an error. */
async function awaitTopics(admin: Admin, topics: readonly NewTopic[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const descriptions = await admin.describeTopics(topics.map((t) => t.name));
      const expected = new Map(topics.map((t) => [t.name, t.partitions]));
      for (const description of descriptions) {
        const want = expected.get(description.name)!;
        if (description.partitions.length !== want && description.partitions.length > 0) {
          throw new StreamsException(
            `internal topic "${description.name}" exists with ${description.partitions.length} partitions but the topology needs ${want}: ` +
              `delete it (and reset the application) or keep the input topics' partition counts`,
          );
        }
      }
      if (descriptions.every((d) => d.partitions.length === expected.get(d.name))) return;
    } catch (error) {
      if (error instanceof StreamsException) throw error;
      if (Date.now() >= deadline) throw error;
    }
    if (Date.now() >= deadline) {
      throw new StreamsException(
        `internal topics ${topics.map((t) => `"${t.name}"`).join(', ')} did not appear within ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
