/**
 * Where `suppress(untilWindowCloses)` learns when a window closes (Java's `GraphGraceSearchUtil`): windowed
 * aggregations declare their grace here (time and sliding windows: grace; session windows: gap + grace), and
 * the search walks up from the suppressed table's node through its parents until it finds them.
 */
import { TopologyException } from '../../topology/topology.ts';
import type { InternalStreamsBuilder } from './internal-streams-builder.ts';

const declared = new WeakMap<InternalStreamsBuilder, Map<string, number>>();

/** Records that the processor `nodeName` is a windowed aggregation whose windows close `graceMs` after their end. */
export function declareWindowGrace(builder: InternalStreamsBuilder, nodeName: string, graceMs: number): void {
  let graces = declared.get(builder);
  if (graces === undefined) {
    graces = new Map();
    declared.set(builder, graces);
  }
  graces.set(nodeName, graceMs);
}

/**
 * The grace of the windowed aggregation upstream of `nodeName` (the largest one when several parents lead to
 * windowed aggregations); throws when some path reaches a source without one.
 */
export function findAndVerifyWindowGrace(builder: InternalStreamsBuilder, nodeName: string): number {
  const graces = declared.get(builder) ?? new Map<string, number>();
  const search = (name: string, chain: string): number => {
    const grace = graces.get(name);
    if (grace !== undefined) return grace;
    const newChain = chain === '' ? name : `${name}->${chain}`;
    const node = builder.topology.nodes.get(name);
    const parents = node !== undefined && 'parents' in node ? node.parents : [];
    if (parents.length === 0) {
      throw new TopologyException(
        `Window close time is only defined for windowed computations. Got [${newChain}]. ` +
          'suppress(Suppressed.untilWindowCloses(...)) needs a table made by a windowed aggregation upstream',
      );
    }
    let inherited = -1;
    for (const parent of parents) inherited = Math.max(inherited, search(parent, newChain));
    return inherited;
  };
  return search(nodeName, '');
}
