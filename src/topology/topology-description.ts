/**
 * The layout of a topology (Java's `TopologyDescription`): sub-topologies of source, processor and sink nodes
 * with their topics, stores, predecessors and successors. `toString()` prints exactly what Kafka Streams'
 * `Topology.describe()` prints for the same topology; `toJSON()` gives the same content as data.
 */
import type { NodeDefinition } from './internals/node-definitions.ts';
import type { Topology } from './topology.ts';

export interface SourceNodeDescription {
  readonly type: 'source';
  readonly name: string;
  readonly topics?: readonly string[];
  readonly topicPattern?: string;
  readonly successors: readonly string[];
}

export interface ProcessorNodeDescription {
  readonly type: 'processor';
  readonly name: string;
  readonly stores: readonly string[];
  readonly predecessors: readonly string[];
  readonly successors: readonly string[];
}

export interface SinkNodeDescription {
  readonly type: 'sink';
  readonly name: string;
  /** The topic, or undefined when a function picks it per record. */
  readonly topic?: string;
  readonly topicNameExtractor?: string;
  readonly predecessors: readonly string[];
}

export type NodeDescription = SourceNodeDescription | ProcessorNodeDescription | SinkNodeDescription;

export interface SubtopologyDescription {
  readonly id: number;
  /** Ordered as Kafka Streams orders them: by the size of the sub-tree below a node, then by name. */
  readonly nodes: readonly NodeDescription[];
}

/** A global store: its source and the processor updating it (numbered among sub-topologies, no tasks). */
export interface GlobalStoreDescription {
  readonly id: number;
  readonly source: SourceNodeDescription;
  readonly processor: ProcessorNodeDescription;
}

export interface TopologyDescriptionJson {
  readonly subtopologies: readonly SubtopologyDescription[];
  readonly globalStores: readonly GlobalStoreDescription[];
}

export class TopologyDescription {
  readonly subtopologies: readonly SubtopologyDescription[];
  readonly globalStores: readonly GlobalStoreDescription[];

  constructor(subtopologies: readonly SubtopologyDescription[], globalStores: readonly GlobalStoreDescription[] = []) {
    this.subtopologies = subtopologies;
    this.globalStores = globalStores;
  }

  toJSON(): TopologyDescriptionJson {
    return { subtopologies: this.subtopologies, globalStores: this.globalStores };
  }

  toString(): string {
    const entries: { id: number; text: string }[] = [];
    for (const subtopology of this.subtopologies) {
      let text = `Sub-topology: ${subtopology.id}\n`;
      for (const node of subtopology.nodes) text += `    ${nodeText(node)}\n`;
      entries.push({ id: subtopology.id, text: `${text}\n` });
    }
    for (const global of this.globalStores) {
      entries.push({
        id: global.id,
        text:
          `Sub-topology: ${global.id} for global store (will not generate tasks)\n` +
          `    ${nodeText(global.source)}\n    ${nodeText(global.processor)}\n`,
      });
    }
    entries.sort((a, b) => a.id - b.id);
    return `Topologies:\n ${entries.map((e) => `  ${e.text}`).join('')}`;
  }
}

function names(list: readonly string[]): string {
  return list.length === 0 ? 'none' : list.join(', ');
}

function nodeText(node: NodeDescription): string {
  switch (node.type) {
    case 'source': {
      const from =
        node.topicPattern !== undefined ? `topics: ${node.topicPattern}` : `topics: [${node.topics!.join(', ')}]`;
      return `Source: ${node.name} (${from})\n      --> ${names(node.successors)}`;
    }
    case 'processor':
      return `Processor: ${node.name} (stores: [${node.stores.join(', ')}])\n      --> ${names(node.successors)}\n      <-- ${names(node.predecessors)}`;
    case 'sink': {
      const to = node.topic !== undefined ? `topic: ${node.topic}` : `extractor class: ${node.topicNameExtractor}`;
      return `Sink: ${node.name} (${to})\n      <-- ${names(node.predecessors)}`;
    }
  }
}

function javaCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function describeTopology(topology: Topology): TopologyDescription {
  const descriptions: SubtopologyDescription[] = [];
  const globalStores: GlobalStoreDescription[] = [];
  for (const layout of topology.subtopologies()) {
    const members = new Set(layout.nodeNames);
    const successors = new Map<string, string[]>();
    for (const name of layout.nodeNames) successors.set(name, []);
    for (const name of layout.nodeNames) {
      const node = topology.nodes.get(name)!;
      if (node.kind === 'source') continue;
      for (const parent of node.parents) if (members.has(parent)) successors.get(parent)!.push(name);
    }
    // Kafka Streams' "size" of a node: the number of paths from it down to the leaves (itself included).
    const size = new Map<string, number>();
    const sizeOf = (name: string): number => {
      let known = size.get(name);
      if (known === undefined) {
        known = 1;
        for (const child of successors.get(name)!) known += sizeOf(child);
        size.set(name, known);
      }
      return known;
    };
    const order = (a: string, b: string) => sizeOf(b) - sizeOf(a) || javaCompare(a, b);
    const nodes: NodeDescription[] = [...layout.nodeNames]
      .sort(order)
      .map((name) => describeNode(topology.nodes.get(name)!, [...successors.get(name)!].sort(order), order));
    if (layout.global) {
      const source = nodes.find((n) => n.type === 'source') as SourceNodeDescription;
      const processor = nodes.find((n) => n.type === 'processor') as ProcessorNodeDescription;
      globalStores.push({ id: layout.id, source, processor });
    } else {
      descriptions.push({ id: layout.id, nodes });
    }
  }
  return new TopologyDescription(descriptions, globalStores);
}

function describeNode(
  node: NodeDefinition,
  successors: string[],
  order: (a: string, b: string) => number,
): NodeDescription {
  switch (node.kind) {
    case 'source':
      return node.pattern !== undefined
        ? { type: 'source', name: node.name, topicPattern: node.pattern.source, successors }
        : { type: 'source', name: node.name, topics: node.topics, successors };
    case 'processor':
      return {
        type: 'processor',
        name: node.name,
        stores: [...node.stores],
        predecessors: [...node.parents].sort(order),
        successors,
      };
    case 'sink':
      return typeof node.topic === 'string'
        ? { type: 'sink', name: node.name, topic: node.topic, predecessors: [...node.parents].sort(order) }
        : {
            type: 'sink',
            name: node.name,
            topicNameExtractor: node.topic.name || 'anonymous',
            predecessors: [...node.parents].sort(order),
          };
  }
}
