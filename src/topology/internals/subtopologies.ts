/**
 * Splits a topology into sub-topologies: the groups of nodes connected through parent links or shared stores
 * (topics cut them apart). Numbered the way Kafka Streams 4.x numbers them (`InternalTopologyBuilder.makeNodeGroups`):
 * in the order nodes were added, so that our ids and task ids (`0_1`) match Java's for the same topology. (Older
 * Kafka sorted source names first; 4.3.1 does not: a cogroup whose first stream is repartitioned tells them apart.)
 */
import type { Topology } from '../topology.ts';

export interface SubtopologyLayout {
  readonly id: number;
  /** Node names in the order they were added to the topology. */
  readonly nodeNames: readonly string[];
  /** True for a global store's source and processor: numbered like sub-topologies, but never tasks. */
  readonly global: boolean;
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  add(name: string): void {
    if (!this.parent.has(name)) this.parent.set(name, name);
  }
  root(name: string): string {
    let current = name;
    for (;;) {
      const parent = this.parent.get(current)!;
      if (parent === current) return current;
      const grand = this.parent.get(parent)!;
      this.parent.set(current, grand);
      current = grand;
    }
  }
  unite(a: string, b: string): void {
    const ra = this.root(a);
    const rb = this.root(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

export function computeSubtopologies(topology: Topology): SubtopologyLayout[] {
  const groups = new UnionFind();
  const storeUsers = new Map<string, string>();
  for (const node of topology.nodes.values()) {
    groups.add(node.name);
    if (node.kind !== 'source') for (const parent of node.parents) groups.unite(node.name, parent);
    if (node.kind === 'processor') {
      for (const store of node.stores) {
        const firstUser = storeUsers.get(store);
        if (firstUser === undefined) storeUsers.set(store, node.name);
        else groups.unite(firstUser, node.name);
      }
    }
  }
  const idByRoot = new Map<string, number>();
  const assign = (name: string) => {
    const root = groups.root(name);
    if (!idByRoot.has(root)) idByRoot.set(root, idByRoot.size);
  };
  for (const name of topology.nodes.keys()) assign(name);

  const layouts: { id: number; nodeNames: string[]; global: boolean }[] = [];
  for (let id = 0; id < idByRoot.size; id++) layouts.push({ id, nodeNames: [], global: false });
  for (const name of topology.nodes.keys()) {
    const layout = layouts[idByRoot.get(groups.root(name))!];
    layout.nodeNames.push(name);
    if (topology.isGlobalNode(name)) layout.global = true;
  }
  return layouts;
}
