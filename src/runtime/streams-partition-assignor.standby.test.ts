/** The assignor's standby replicas (num.standby.replicas): placement, balance, stickiness and failover. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupMemberSubscription } from '../kafka/backend.ts';
import {
  type AssignmentInfo,
  AssignorError,
  decodeAssignmentInfo,
  encodeSubscriptionInfo,
  PROTOCOL_VERSION,
} from './assignment-protocol.ts';
import { resolveStreamsConfig } from './streams-config.ts';
import { type AssignorTopology, assign } from './streams-partition-assignor.ts';

interface Member {
  readonly memberId: string;
  /** Instance; several members (stream threads) may share one. */
  readonly processId: string;
  readonly previousTasks?: string[];
  readonly standbyTasks?: string[];
}

function subscription(m: Member): GroupMemberSubscription {
  return {
    memberId: m.memberId,
    groupInstanceId: null,
    topics: [],
    userData: encodeSubscriptionInfo({
      version: PROTOCOL_VERSION,
      processId: m.processId,
      previousTasks: m.previousTasks ?? [],
      standbyTasks: m.standbyTasks ?? [],
      endpoint: '',
      errorCode: AssignorError.NONE,
    }),
  };
}

/** Sub-topology 0 (stateless) reads "in", sub-topology 1 (a count) reads the repartition topic. */
function topologyWith(numStandbyReplicas: number): AssignorTopology {
  return {
    applicationId: 'app',
    subtopologies: [
      { id: 0, sourceTopics: ['in'] },
      { id: 1, sourceTopics: ['app-count-repartition'] },
    ],
    copartitionGroups: [],
    numStandbyReplicas,
    statefulSubtopologies: [1],
  };
}

const counts = (partitions: number) =>
  new Map([
    ['in', partitions],
    ['app-count-repartition', partitions],
  ]);

function run(topology: AssignorTopology, members: Member[], partitions: number): Map<string, AssignmentInfo> {
  const result = assign(topology, members.map(subscription), counts(partitions));
  return new Map([...result].map(([id, a]) => [id, decodeAssignmentInfo(a.userData)]));
}

/** Task → processes holding it (active first), failing on a task held twice by one process. */
function copiesByTask(members: Member[], infos: Map<string, AssignmentInfo>): Map<string, string[]> {
  const copies = new Map<string, string[]>();
  for (const m of members) {
    const info = infos.get(m.memberId)!;
    for (const task of [...info.activeTasks, ...(info.standbyTasks ?? [])]) {
      const holders = copies.get(task) ?? [];
      assert.ok(!holders.includes(m.processId), `task ${task} twice on instance ${m.processId}`);
      copies.set(task, [...holders, m.processId]);
    }
  }
  return copies;
}

/** The next generation's subscriptions: every member reports what it was given. */
function next(members: Member[], infos: Map<string, AssignmentInfo>): Member[] {
  return members.map((m) => ({
    ...m,
    previousTasks: [...infos.get(m.memberId)!.activeTasks],
    standbyTasks: [...(infos.get(m.memberId)!.standbyTasks ?? [])],
  }));
}

describe('StreamsPartitionAssignor with num.standby.replicas', () => {
  it('gives each stateful task one standby on another instance, none to stateless tasks, balanced', () => {
    const members = ['a', 'b', 'c'].map((id) => ({ memberId: id, processId: `p-${id}` }));
    const infos = run(topologyWith(1), members, 6);
    const copies = copiesByTask(members, infos);
    for (let p = 0; p < 6; p++) {
      assert.equal(copies.get(`1_${p}`)!.length, 2, `task 1_${p}: an active and one standby`);
      assert.equal(copies.get(`0_${p}`)!.length, 1, `task 0_${p}: stateless, no standby`);
    }
    assert.deepEqual(
      [...infos.values()].map((i) => i.standbyTasks!.length),
      [2, 2, 2],
    );
    for (const info of infos.values()) assert.ok(info.standbyTasks!.every((t) => t.startsWith('1_')));
  });

  it('never places more standbys than instances - 1, nor one on a thread of the active instance', () => {
    // Two instances with two stream threads each: replicas asked 3, only 1 possible.
    const members = [
      { memberId: 'a1', processId: 'A' },
      { memberId: 'a2', processId: 'A' },
      { memberId: 'b1', processId: 'B' },
      { memberId: 'b2', processId: 'B' },
    ];
    const infos = run(topologyWith(3), members, 4);
    const copies = copiesByTask(members, infos);
    for (let p = 0; p < 4; p++) assert.deepEqual(copies.get(`1_${p}`)!.toSorted(), ['A', 'B']);
    // Threads of one instance share its standbys evenly.
    assert.deepEqual(
      [...infos.values()].map((i) => i.standbyTasks!.length),
      [1, 1, 1, 1],
    );
    const single = run(topologyWith(2), [{ memberId: 'x', processId: 'X' }], 4);
    assert.deepEqual(single.get('x')!.standbyTasks, []);
  });

  it('places two replicas on two different other instances', () => {
    const members = ['a', 'b', 'c', 'd'].map((id) => ({ memberId: id, processId: `p-${id}` }));
    const infos = run(topologyWith(2), members, 4);
    const copies = copiesByTask(members, infos);
    for (let p = 0; p < 4; p++) assert.equal(copies.get(`1_${p}`)!.length, 3);
    assert.deepEqual(
      [...infos.values()].map((i) => i.standbyTasks!.length),
      [2, 2, 2, 2],
    );
  });

  it('is sticky: the next generation keeps every active and standby where it was', () => {
    const members = ['a', 'b', 'c'].map((id) => ({ memberId: id, processId: `p-${id}` }));
    const first = run(topologyWith(1), members, 6);
    const second = run(topologyWith(1), next(members, first), 6);
    assert.deepEqual(second, first);
  });

  it('when an instance leaves, its active tasks go to the instances that held their standbys, and standbys are replaced', () => {
    const members = ['a', 'b', 'c'].map((id) => ({ memberId: id, processId: `p-${id}` }));
    const first = run(topologyWith(1), members, 6);
    const standbyHolder = new Map<string, string>();
    for (const [id, info] of first) for (const t of info.standbyTasks!) standbyHolder.set(t, id);
    const lost = first.get('a')!.activeTasks.filter((t) => t.startsWith('1_'));
    assert.ok(lost.length > 0);

    const survivors = next(members, first).filter((m) => m.memberId !== 'a');
    const after = run(topologyWith(1), survivors, 6);
    for (const task of lost) {
      const owner = [...after].find(([, info]) => info.activeTasks.includes(task))![0];
      assert.equal(owner, standbyHolder.get(task), `task ${task} goes to its standby holder`);
    }
    const copies = copiesByTask(survivors, after);
    for (let p = 0; p < 6; p++) assert.equal(copies.get(`1_${p}`)!.length, 2, `task 1_${p} has a standby again`);
    assert.deepEqual(
      [...after.values()].map((i) => i.activeTasks.length),
      [6, 6],
    );
  });

  it('gives no standbys with num.standby.replicas = 0 (the default)', () => {
    const members = ['a', 'b'].map((id) => ({ memberId: id, processId: `p-${id}` }));
    for (const info of run(topologyWith(0), members, 4).values()) assert.deepEqual(info.standbyTasks, []);
    const { numStandbyReplicas: _, ...withoutSetting } = topologyWith(1);
    for (const info of run(withoutSetting, members, 4).values()) assert.deepEqual(info.standbyTasks, []);
  });

  it('num.standby.replicas defaults to 0 and must be a whole number >= 0', () => {
    assert.equal(resolveStreamsConfig({ 'application.id': 'app' }).values['num.standby.replicas'], 0);
    assert.equal(
      resolveStreamsConfig({ 'application.id': 'app', 'num.standby.replicas': '2' }).values['num.standby.replicas'],
      2,
    );
    assert.throws(
      () => resolveStreamsConfig({ 'application.id': 'app', 'num.standby.replicas': -1 }),
      /num\.standby\.replicas.*at least 0/,
    );
    assert.throws(
      () => resolveStreamsConfig({ 'application.id': 'app', 'num.standby.replicas': 1.5 }),
      /num\.standby\.replicas.*integer/,
    );
  });

  it('reads subscriptions and assignments without standbys (older members) as having none', () => {
    const old = decodeAssignmentInfo(Buffer.from(JSON.stringify({ version: 1, activeTasks: ['0_1'], errorCode: 0 })));
    assert.deepEqual(old.standbyTasks, []);
  });
});
