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
    const linked = javaLinkOrder(topology, layout.nodeNames, members);
    const nodes: NodeDescription[] = [...layout.nodeNames]
      .sort(order)
      .map((name) =>
        describeNode(topology.nodes.get(name)!, linked.successors.get(name)!, linked.predecessors.get(name)!),
      );
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

function describeNode(node: NodeDefinition, successors: string[], predecessors: string[]): NodeDescription {
  switch (node.kind) {
    case 'source':
      return node.pattern !== undefined
        ? { type: 'source', name: node.name, topicPattern: node.pattern.source, successors }
        : { type: 'source', name: node.name, topics: node.topics, successors };
    case 'processor':
      return {
        type: 'processor',
        name: node.name,
        // Java keeps a processor's store names in a HashSet and prints them in its order.
        stores: javaHashOrder(node.stores),
        predecessors,
        successors,
      };
    case 'sink':
      return typeof node.topic === 'string'
        ? { type: 'sink', name: node.name, topic: node.topic, predecessors }
        : {
            type: 'sink',
            name: node.name,
            topicNameExtractor: node.topic.name || 'anonymous',
            predecessors,
          };
  }
}

/** Java's `String#hashCode`. */
function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** The order a Java `HashMap`/`HashSet` of these strings iterates in (by bucket, then insertion order). */
function javaHashOrder(names: readonly string[]): string[] {
  let capacity = 16;
  while (names.length > capacity * 0.75) capacity *= 2;
  return names
    .map((name, index) => {
      const hash = javaStringHash(name);
      return { name, index, bucket: (hash ^ (hash >>> 16)) & (capacity - 1) };
    })
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((entry) => entry.name);
}

interface TreeNode {
  readonly name: string;
  left: TreeNode | undefined;
  right: TreeNode | undefined;
  parent: TreeNode | undefined;
  red: boolean;
}

/**
 * A `TreeSet` as Java's (a red-black tree) whose comparator reads sizes that change after insertion: the
 * position of each element is decided when it is inserted and never revisited, exactly as in Java.
 */
class JavaTreeSet {
  private root: TreeNode | undefined;
  private readonly compare: (a: string, b: string) => number;
  constructor(compare: (a: string, b: string) => number) {
    this.compare = compare;
  }
  add(name: string): void {
    let parent: TreeNode | undefined;
    let node = this.root;
    let cmp = 0;
    while (node !== undefined) {
      parent = node;
      cmp = this.compare(name, node.name);
      if (cmp === 0) return;
      node = cmp < 0 ? node.left : node.right;
    }
    const added: TreeNode = { name, left: undefined, right: undefined, parent, red: true };
    if (parent === undefined) this.root = added;
    else if (cmp < 0) parent.left = added;
    else parent.right = added;
    this.fixAfterInsertion(added);
  }
  private rotateLeft(p: TreeNode): void {
    const r = p.right!;
    p.right = r.left;
    if (r.left !== undefined) r.left.parent = p;
    r.parent = p.parent;
    if (p.parent === undefined) this.root = r;
    else if (p.parent.left === p) p.parent.left = r;
    else p.parent.right = r;
    r.left = p;
    p.parent = r;
  }
  private rotateRight(p: TreeNode): void {
    const l = p.left!;
    p.left = l.right;
    if (l.right !== undefined) l.right.parent = p;
    l.parent = p.parent;
    if (p.parent === undefined) this.root = l;
    else if (p.parent.right === p) p.parent.right = l;
    else p.parent.left = l;
    l.right = p;
    p.parent = l;
  }
  private fixAfterInsertion(inserted: TreeNode): void {
    let x: TreeNode | undefined = inserted;
    const isRed = (n: TreeNode | undefined) => n?.red;
    while (x !== undefined && x !== this.root && x.parent!.red) {
      const parent: TreeNode = x.parent!;
      const grand: TreeNode | undefined = parent.parent;
      if (grand === undefined) break;
      if (parent === grand.left) {
        const uncle = grand.right;
        if (isRed(uncle)) {
          parent.red = false;
          uncle!.red = false;
          grand.red = true;
          x = grand;
        } else {
          if (x === parent.right) {
            x = parent;
            this.rotateLeft(x);
          }
          x.parent!.red = false;
          x.parent!.parent!.red = true;
          this.rotateRight(x.parent!.parent!);
        }
      } else {
        const uncle = grand.left;
        if (isRed(uncle)) {
          parent.red = false;
          uncle!.red = false;
          grand.red = true;
          x = grand;
        } else {
          if (x === parent.left) {
            x = parent;
            this.rotateRight(x);
          }
          x.parent!.red = false;
          x.parent!.parent!.red = true;
          this.rotateLeft(x.parent!.parent!);
        }
      }
    }
    this.root!.red = false;
  }
  toArray(): string[] {
    const out: string[] = [];
    const walk = (n: TreeNode | undefined) => {
      if (n === undefined) return;
      walk(n.left);
      out.push(n.name);
      walk(n.right);
    };
    walk(this.root);
    return out;
  }
}

/**
 * Successors and predecessors in the order Kafka Streams prints them (`describeSubtopology`): nodes are linked
 * to their parents in HashMap order, each link adding the child's current size to the parent and its linked
 * ancestors, and each link inserted into TreeSets ordered by the sizes known at that moment.
 */
function javaLinkOrder(
  topology: Topology,
  nodeNames: readonly string[],
  members: ReadonlySet<string>,
): { successors: Map<string, string[]>; predecessors: Map<string, string[]> } {
  const size = new Map<string, number>();
  const linkedPredecessors = new Map<string, string[]>();
  for (const name of nodeNames) {
    size.set(name, 1);
    linkedPredecessors.set(name, []);
  }
  const compare = (a: string, b: string) => {
    if (a === b) return 0;
    return size.get(b)! - size.get(a)! || javaCompare(a, b);
  };
  const successorSets = new Map<string, JavaTreeSet>();
  const predecessorSets = new Map<string, JavaTreeSet>();
  for (const name of nodeNames) {
    successorSets.set(name, new JavaTreeSet(compare));
    predecessorSets.set(name, new JavaTreeSet(compare));
  }
  const updateSize = (name: string, delta: number) => {
    size.set(name, size.get(name)! + delta);
    for (const predecessor of linkedPredecessors.get(name)!) updateSize(predecessor, delta);
  };
  for (const name of javaHashOrder(nodeNames)) {
    const node = topology.nodes.get(name)!;
    if (node.kind === 'source') continue;
    for (const parent of node.parents) {
      if (!members.has(parent)) continue;
      linkedPredecessors.get(name)!.push(parent);
      predecessorSets.get(name)!.add(parent);
      successorSets.get(parent)!.add(name);
      updateSize(parent, size.get(name)!);
    }
  }
  const successors = new Map<string, string[]>();
  const predecessors = new Map<string, string[]>();
  for (const name of nodeNames) {
    successors.set(name, successorSets.get(name)!.toArray());
    predecessors.set(name, predecessorSets.get(name)!.toArray());
  }
  return { successors, predecessors };
}
