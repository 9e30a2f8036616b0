import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupMemberSubscription } from '../kafka/backend.ts';
import {
  AssignorError,
  decodeAssignmentInfo,
  encodeSubscriptionInfo,
  PROTOCOL_VERSION,
} from './assignment-protocol.ts';
import { assign, distributeTasks } from './streams-partition-assignor.ts';

function member(
  memberId: string,
  previousTasks: string[] = [],
  extra: { endpoint?: string; errorCode?: number } = {},
): GroupMemberSubscription {
  return {
    memberId,
    groupInstanceId: null,
    topics: [],
    userData: encodeSubscriptionInfo({
      version: PROTOCOL_VERSION,
      processId: `process-${memberId}`,
      previousTasks,
      endpoint: extra.endpoint ?? '',
      errorCode: (extra.errorCode ?? 0) as AssignorError,
    }),
  };
}

const topology = {
  applicationId: 'app',
  subtopologies: [
    { id: 0, sourceTopics: ['orders', 'customers'] },
    { id: 1, sourceTopics: ['app-agg-repartition'] },
  ],
  copartitionGroups: [['orders', 'customers']],
};

describe('StreamsPartitionAssignor', () => {
  it('keeps co-partitioned partitions together in one task and balances tasks over members', () => {
    const counts = new Map([
      ['orders', 4],
      ['customers', 4],
      ['app-agg-repartition', 2],
    ]);
    const result = assign(topology, [member('a'), member('b'), member('c')], counts);
    const tasksPerMember = [...result.values()].map((a) => decodeAssignmentInfo(a.userData).activeTasks);
    assert.deepEqual(tasksPerMember.map((t) => t.length).sort(), [2, 2, 2]);
    assert.equal(new Set(tasksPerMember.flat()).size, 6);
    for (const [, assignment] of result) {
      const info = decodeAssignmentInfo(assignment.userData);
      for (const task of info.activeTasks.filter((t) => t.startsWith('0_'))) {
        const partition = Number(task.split('_')[1]);
        assert.ok(assignment.partitions.some((p) => p.topic === 'orders' && p.partition === partition));
        assert.ok(assignment.partitions.some((p) => p.topic === 'customers' && p.partition === partition));
      }
      assert.equal(
        assignment.partitions.length,
        info.activeTasks.reduce((n, t) => n + (t.startsWith('0_') ? 2 : 1), 0),
      );
    }
  });

  it('reads assignments of older members: no partitionsByHost, or a malformed one, means no known owners', () => {
    const old = decodeAssignmentInfo(Buffer.from(JSON.stringify({ version: 1, activeTasks: ['0_1'], errorCode: 0 })));
    assert.deepEqual([old.activeTasks, old.partitionsByHost], [['0_1'], {}]);
    const odd = decodeAssignmentInfo(
      Buffer.from(JSON.stringify({ version: 1, activeTasks: [], partitionsByHost: { 'a:1': ['t-0', 7], 'b:2': 'x' } })),
    );
    assert.deepEqual(odd.partitionsByHost, { 'a:1': ['t-0'] });
    assert.deepEqual(
      decodeAssignmentInfo(Buffer.from(JSON.stringify({ version: 1, activeTasks: [], partitionsByHost: 'x' })))
        .partitionsByHost,
      {},
    );
  });

  it("spreads every sub-topology's tasks over the members, also with an even number of sub-topologies", () => {
    const tasks = [0, 1, 2, 3].flatMap((s) => [0, 1, 2, 3].map((p) => `${s}_${p}`));
    const result = distributeTasks(tasks, [
      { memberId: 'a', previousTasks: [] },
      { memberId: 'b', previousTasks: [] },
    ]);
    for (const member of ['a', 'b']) {
      const mine = result.get(member)!;
      for (const s of [0, 1, 2, 3]) {
        assert.equal(
          mine.filter((t) => t.startsWith(`${s}_`)).length,
          2,
          `${member} holds 2 tasks of sub-topology ${s}`,
        );
      }
    }
  });

  it('is sticky: members keep their previous tasks when the group grows, only the surplus moves', () => {
    const tasks = ['0_0', '0_1', '0_2', '0_3'];
    const before = distributeTasks(tasks, [
      { memberId: 'a', previousTasks: ['0_0', '0_1'] },
      { memberId: 'b', previousTasks: ['0_2', '0_3'] },
    ]);
    assert.deepEqual(before.get('a'), ['0_0', '0_1']);
    assert.deepEqual(before.get('b'), ['0_2', '0_3']);
    const grown = distributeTasks(
      [...tasks, '0_4', '0_5'],
      [
        { memberId: 'a', previousTasks: ['0_0', '0_1', '0_4'] },
        { memberId: 'b', previousTasks: ['0_2', '0_3', '0_5'] },
        { memberId: 'c', previousTasks: [] },
      ],
    );
    assert.equal(grown.get('c')!.length, 2);
    assert.ok(['0_0', '0_1'].every((t) => grown.get('a')!.includes(t)));
    assert.ok(['0_2', '0_3'].every((t) => grown.get('b')!.includes(t)));
  });

  it("hands a departed member's tasks to the remaining ones without moving theirs", () => {
    const result = distributeTasks(['0_0', '0_1', '0_2', '0_3'], [{ memberId: 'b', previousTasks: ['0_1', '0_3'] }]);
    assert.deepEqual(result.get('b'), ['0_0', '0_1', '0_2', '0_3']);
    const two = distributeTasks(
      ['0_0', '0_1', '0_2', '0_3', '0_4'],
      [
        { memberId: 'x', previousTasks: ['0_0', '0_1', '0_2'] },
        { memberId: 'y', previousTasks: ['0_3'] },
      ],
    );
    assert.deepEqual(two.get('x'), ['0_0', '0_1', '0_2']);
    assert.deepEqual(two.get('y'), ['0_3', '0_4']);
  });

  it('reports topics that are not co-partitioned to every member, naming topics and counts', () => {
    const counts = new Map([
      ['orders', 3],
      ['customers', 4],
      ['app-agg-repartition', 2],
    ]);
    const result = assign(topology, [member('a'), member('b')], counts);
    for (const assignment of result.values()) {
      const info = decodeAssignmentInfo(assignment.userData);
      assert.equal(info.errorCode, AssignorError.ASSIGNMENT_ERROR);
      assert.match(info.errorMessage!, /"orders" has 3, "customers" has 4 partitions/);
      assert.equal(assignment.partitions.length, 0);
    }
  });

  it('reports a missing source topic by name', () => {
    const result = assign(
      topology,
      [member('a')],
      new Map([
        ['orders', 1],
        ['customers', 1],
      ]),
    );
    const info = decodeAssignmentInfo(result.get('a')!.userData);
    assert.equal(info.errorCode, AssignorError.INCOMPLETE_SOURCE_TOPIC_METADATA);
    assert.match(info.errorMessage!, /"app-agg-repartition"/);
  });

  it('relays a SHUTDOWN_APPLICATION request from one member to all', () => {
    const counts = new Map([
      ['orders', 1],
      ['customers', 1],
      ['app-agg-repartition', 1],
    ]);
    const result = assign(
      topology,
      [member('a'), member('b', [], { errorCode: AssignorError.SHUTDOWN_REQUESTED })],
      counts,
    );
    for (const assignment of result.values()) {
      assert.equal(decodeAssignmentInfo(assignment.userData).errorCode, AssignorError.SHUTDOWN_REQUESTED);
    }
  });

  it("publishes each instance's application.server with the partitions it owns", () => {
    const counts = new Map([
      ['orders', 2],
      ['customers', 2],
      ['app-agg-repartition', 2],
    ]);
    const result = assign(
      topology,
      [member('a', [], { endpoint: 'host-a:8080' }), member('b', [], { endpoint: 'host-b:8080' })],
      counts,
    );
    const info = decodeAssignmentInfo(result.get('a')!.userData);
    assert.deepEqual(Object.keys(info.partitionsByHost).sort(), ['host-a:8080', 'host-b:8080']);
    const all = Object.values(info.partitionsByHost).flat().sort();
    assert.deepEqual(all, [
      'app-agg-repartition-0',
      'app-agg-repartition-1',
      'customers-0',
      'customers-1',
      'orders-0',
      'orders-1',
    ]);
    assert.deepEqual(
      [...info.partitionsByHost['host-a:8080']].sort(),
      result
        .get('a')!
        .partitions.map((p) => `${p.topic}-${p.partition}`)
        .sort(),
    );
  });
});
