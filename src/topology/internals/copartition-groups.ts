/**
 * Which source topics a join needs co-partitioned (Java's `copartitionSources` and `copartitionGroups`): the
 * DSL registers the nodes whose records meet in a join; at build time each group becomes the source topics
 * those nodes read from (walking up through processors to the sources, including repartition topics). The
 * runtime then sizes repartition topics in a group like the group's other topics and refuses groups whose
 * topics have different partition counts, naming them.
 */
import type { Topology } from '../topology.ts';

const groupsByTopology = new WeakMap<Topology, string[][]>();

/** Records that the source topics upstream of `nodeNames` must be co-partitioned. */
export function copartitionNodes(topology: Topology, nodeNames: readonly string[]): void {
  let groups = groupsByTopology.get(topology);
  if (groups === undefined) {
    groups = [];
    groupsByTopology.set(topology, groups);
  }
  groups.push([...nodeNames]);
}

function sourceTopicsUpstream(topology: Topology, nodeName: string, into: Set<string>, seen: Set<string>): void {
  if (seen.has(nodeName)) return;
  seen.add(nodeName);
  const node = topology.nodes.get(nodeName);
  if (node === undefined) return;
  if (node.kind === 'source') {
    for (const topic of node.topics) into.add(topic);
    return;
  }
  for (const parent of node.parents) sourceTopicsUpstream(topology, parent, into, seen);
}

/**
 * The co-partition groups as topic names (repartition topics prefixed with the application id), sorted; only
 * groups of two or more topics are returned (one topic is trivially co-partitioned with itself).
 */
export function copartitionTopicGroups(topology: Topology, applicationId: string): string[][] {
  const result: string[][] = [];
  for (const group of groupsByTopology.get(topology) ?? []) {
    const topics = new Set<string>();
    const seen = new Set<string>();
    for (const name of group) sourceTopicsUpstream(topology, name, topics, seen);
    const decorated = [...topics]
      .map((topic) => (topology.repartitionTopics.has(topic) ? `${applicationId}-${topic}` : topic))
      .sort();
    if (decorated.length > 1) result.push(decorated);
  }
  return result;
}
