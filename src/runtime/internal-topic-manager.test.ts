import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InternalTopicSpec, SubtopologySpec } from '../processor/internals/task-contract.ts';
import { resolveInternalPartitionCounts } from './internal-topic-manager.ts';

function subtopology(
  id: number,
  sourceTopics: string[],
  sinkTopics: string[],
  changelogs: [string, string][] = [],
): SubtopologySpec {
  return {
    id,
    sourceTopics,
    sourcePatterns: [],
    sinkTopics,
    stores: changelogs.map(([s]) => s),
    changelogs: new Map(changelogs),
  };
}

describe('internal topic sizing', () => {
  it("sizes a repartition topic by its writer's largest source and a changelog by its sub-topology's task count", () => {
    // word count: lines (3 partitions) → selectKey → repartition → count (changelog)
    const subtopologies = [
      subtopology(0, ['lines'], ['wc-counts-repartition']),
      subtopology(1, ['wc-counts-repartition'], ['out'], [['counts', 'wc-counts-changelog']]),
    ];
    const internalTopics: InternalTopicSpec[] = [
      { name: 'wc-counts-repartition', kind: 'repartition', configs: {} },
      { name: 'wc-counts-changelog', kind: 'changelog', configs: {} },
    ];
    const counts = new Map([['lines', 3]]);
    const resolved = resolveInternalPartitionCounts(
      { subtopologies, internalTopics, copartitionGroups: [] },
      subtopologies.map((s) => ({ id: s.id, sourceTopics: s.sourceTopics })),
      counts,
    );
    assert.equal(resolved.get('wc-counts-repartition'), 3);
    assert.equal(resolved.get('wc-counts-changelog'), 3);
  });

  it('follows chains of repartition topics and honours a fixed count', () => {
    const subtopologies = [
      subtopology(0, ['a', 'b'], ['app-x-repartition']),
      subtopology(1, ['app-x-repartition'], ['app-y-repartition']),
      subtopology(2, ['app-y-repartition'], [], [['s', 'app-s-changelog']]),
    ];
    const internalTopics: InternalTopicSpec[] = [
      { name: 'app-y-repartition', kind: 'repartition', configs: {} },
      { name: 'app-x-repartition', kind: 'repartition', partitions: 7, configs: {} },
      { name: 'app-s-changelog', kind: 'changelog', configs: {} },
    ];
    const resolved = resolveInternalPartitionCounts(
      { subtopologies, internalTopics, copartitionGroups: [] },
      subtopologies.map((s) => ({ id: s.id, sourceTopics: s.sourceTopics })),
      new Map([
        ['a', 2],
        ['b', 5],
      ]),
    );
    assert.equal(resolved.get('app-x-repartition'), 7);
    assert.equal(resolved.get('app-y-repartition'), 7);
    assert.equal(resolved.get('app-s-changelog'), 7);
  });

  it('makes a derived repartition topic match the user topic it is co-partitioned with', () => {
    const subtopologies = [
      subtopology(0, ['clicks'], ['app-k-repartition']),
      subtopology(1, ['app-k-repartition', 'users'], []),
    ];
    const resolved = resolveInternalPartitionCounts(
      {
        subtopologies,
        internalTopics: [{ name: 'app-k-repartition', kind: 'repartition', configs: {} }],
        copartitionGroups: [['app-k-repartition', 'users']],
      },
      subtopologies.map((s) => ({ id: s.id, sourceTopics: s.sourceTopics })),
      new Map([
        ['clicks', 2],
        ['users', 6],
      ]),
    );
    assert.equal(resolved.get('app-k-repartition'), 6);
  });
});
