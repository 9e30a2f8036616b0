/**
 * The group leader's assignor (Java's StreamsPartitionAssignor, simplified): plans the tasks from the source
 * topics' partition counts, then gives each member a balanced, sticky share of active tasks, and, with
 * `num.standby.replicas` > 0, standby copies of the stateful tasks.
 *
 * - Balanced: every member gets ⌊T/n⌋ or ⌈T/n⌉ of the T tasks.
 * - Sticky: a member keeps the tasks it ran before (from its subscription userData), up to its share, so state
 *   does not move without need. The extra tasks go to the members that already held the most.
 * - A member's partitions are exactly its tasks' partitions, so co-partitioned partitions stay together.
 * - Failover: a task whose active member left goes first to a member that kept it as a standby (its store is
 *   nearly current, so it restores only a short tail). Java's HighAvailabilityTaskAssignor compares the
 *   standbys' lags; we prefer any standby holder, within the balanced share.
 * - Standbys: each stateful task (one with a logged store) gets min(num.standby.replicas, instances - 1)
 *   standbys, each on a different instance (process) than the active and than each other, so no instance holds
 *   two copies. Sticky (previous standby or active holders first) and balanced (least-loaded member next).
 * - Errors (a missing source topic, topics not co-partitioned, a member asking the whole application to shut
 *   down) are sent to every member as an error code in its assignment userData.
 */
import type { GroupAssignor, GroupMemberSubscription, MemberAssignment, TopicPartition } from '../kafka/backend.ts';
import { topicPartitionKey } from '../kafka/backend.ts';
import { taskIdString } from '../processor/internals/task-contract.ts';
import {
  type AssignmentInfo,
  AssignorError,
  decodeSubscriptionInfo,
  encodeAssignmentInfo,
  PROTOCOL_VERSION,
  type SubscriptionInfo,
} from './assignment-protocol.ts';
import { planTasks, type SubtopologySources, type TaskPlan } from './task-layout.ts';

export interface AssignorTopology {
  readonly applicationId: string;
  readonly subtopologies: readonly SubtopologySources[];
  readonly copartitionGroups: readonly (readonly string[])[];
  /** num.standby.replicas (default 0). */
  readonly numStandbyReplicas?: number;
  /** Ids of the sub-topologies with a logged store: only their tasks get standbys. */
  readonly statefulSubtopologies?: readonly number[];
}

export function createStreamsPartitionAssignor(topology: AssignorTopology): GroupAssignor {
  return ({ members, topicPartitions }) => assign(topology, members, topicPartitions);
}

export function assign(
  topology: AssignorTopology,
  members: readonly GroupMemberSubscription[],
  topicPartitions: ReadonlyMap<string, number>,
): Map<string, MemberAssignment> {
  const subscriptions = members.map((member) => ({
    member,
    info: decodeSubscriptionInfo(member.userData, member.memberId),
  }));

  if (subscriptions.some(({ info }) => info.errorCode === AssignorError.SHUTDOWN_REQUESTED)) {
    return errorAssignments(
      members,
      AssignorError.SHUTDOWN_REQUESTED,
      'an instance requested the shutdown of the application',
    );
  }
  const missing = [...new Set(topology.subtopologies.flatMap((s) => s.sourceTopics))].filter(
    (t) => !topicPartitions.has(t),
  );
  if (missing.length > 0) {
    return errorAssignments(
      members,
      AssignorError.INCOMPLETE_SOURCE_TOPIC_METADATA,
      `source topics missing: ${missing.map((t) => `"${t}"`).join(', ')}`,
    );
  }
  let tasks: ReadonlyMap<string, TaskPlan>;
  try {
    tasks = planTasks(topology.subtopologies, topology.copartitionGroups, topicPartitions).tasks;
  } catch (error) {
    return errorAssignments(members, AssignorError.ASSIGNMENT_ERROR, (error as Error).message);
  }

  const candidates = subscriptions.map(({ member, info }) => ({
    memberId: member.memberId,
    processId: info.processId,
    previousTasks: info.previousTasks,
    standbyTasks: info.standbyTasks ?? [],
  }));
  const owners = distributeTasks([...tasks.keys()], candidates);
  const stateful = new Set(topology.statefulSubtopologies ?? []);
  const standbys = distributeStandbys(
    [...tasks.values()].filter((plan) => stateful.has(plan.id.subtopology)).map((plan) => taskIdString(plan.id)),
    owners,
    candidates,
    topology.numStandbyReplicas ?? 0,
  );

  const partitionsByHost: Record<string, string[]> = {};
  const standbyPartitionsByHost: Record<string, string[]> = {};
  for (const { member, info } of subscriptions) {
    if (info.endpoint === '') continue;
    const partitionsOf = (taskIds: readonly string[]) =>
      taskIds.flatMap((taskId) => tasks.get(taskId)!.partitions.map(topicPartitionKey));
    const owned = partitionsOf(owners.get(member.memberId) ?? []);
    partitionsByHost[info.endpoint] = [...(partitionsByHost[info.endpoint] ?? []), ...owned];
    const standby = partitionsOf(standbys.get(member.memberId) ?? []);
    if (standby.length > 0)
      standbyPartitionsByHost[info.endpoint] = [...(standbyPartitionsByHost[info.endpoint] ?? []), ...standby];
  }

  const result = new Map<string, MemberAssignment>();
  for (const { member } of subscriptions) {
    const activeTasks = owners.get(member.memberId) ?? [];
    const partitions: TopicPartition[] = activeTasks.flatMap((taskId) => tasks.get(taskId)!.partitions);
    const info: AssignmentInfo = {
      version: PROTOCOL_VERSION,
      activeTasks,
      standbyTasks: standbys.get(member.memberId) ?? [],
      partitionsByHost,
      standbyPartitionsByHost,
      errorCode: AssignorError.NONE,
    };
    result.set(member.memberId, { partitions, userData: encodeAssignmentInfo(info) });
  }
  return result;
}

/**
 * Balanced, sticky distribution of task ids over members. Deterministic for a given input.
 * Returns memberId → task ids.
 */
export function distributeTasks(
  taskIds: readonly string[],
  members: readonly { memberId: string; previousTasks: readonly string[]; standbyTasks?: readonly string[] }[],
): Map<string, string[]> {
  const result = new Map<string, string[]>(members.map((m) => [m.memberId, []]));
  if (members.length === 0) return result;
  const exists = new Set(taskIds);
  const previousCount = (m: { previousTasks: readonly string[] }) =>
    m.previousTasks.filter((t) => exists.has(t)).length;
  const standbyCount = (m: { standbyTasks?: readonly string[] }) =>
    (m.standbyTasks ?? []).filter((t) => exists.has(t)).length;

  // Who gets ⌈T/n⌉: the members that already held the most (then the most standbys), so the fewest tasks move.
  const base = Math.floor(taskIds.length / members.length);
  let extra = taskIds.length % members.length;
  const byHeld = [...members].sort(
    (a, b) =>
      previousCount(b) - previousCount(a) || standbyCount(b) - standbyCount(a) || compare(a.memberId, b.memberId),
  );
  const quota = new Map<string, number>();
  for (const member of byHeld) quota.set(member.memberId, base + (extra-- > 0 ? 1 : 0));

  const unassigned = new Set(taskIds);
  for (const member of byHeld) {
    const mine = result.get(member.memberId)!;
    for (const taskId of member.previousTasks) {
      if (mine.length >= quota.get(member.memberId)!) break;
      if (unassigned.delete(taskId)) mine.push(taskId);
    }
  }
  // Tasks left without their active (it left the group, or is over its share) go to a member holding a standby.
  for (const member of byHeld) {
    const mine = result.get(member.memberId)!;
    for (const taskId of member.standbyTasks ?? []) {
      if (mine.length >= quota.get(member.memberId)!) break;
      if (unassigned.delete(taskId)) mine.push(taskId);
    }
  }
  // The rest, dealt round-robin in sub-topology then partition order, so every sub-topology's tasks spread
  // over the members (partition-major order gave all of a sub-topology to one member when the number of
  // sub-topologies was a multiple of the members': then no instance but one held a given store).
  const rest = [...unassigned].sort(compareBySubtopology);
  const sortedMembers = [...members].sort((a, b) => compare(a.memberId, b.memberId));
  let cursor = 0;
  for (const taskId of rest) {
    for (let tries = 0; tries < sortedMembers.length; tries++) {
      const member = sortedMembers[cursor++ % sortedMembers.length];
      const mine = result.get(member.memberId)!;
      if (mine.length < quota.get(member.memberId)!) {
        mine.push(taskId);
        break;
      }
    }
  }
  for (const tasks of result.values()) tasks.sort(compareTaskIds);
  return result;
}

/**
 * Standby placement: `replicas` = min(numStandbyReplicas, processes - 1) standbys per stateful task, never on
 * the process of its active or of another of its standbys. First sticky (a member that held the task as a
 * standby, then as an active, keeps or gets it, up to ⌈S/n⌉ standbys), then the member with the fewest standbys
 * (then the fewest tasks). Deterministic for a given input. Returns memberId → standby task ids.
 */
export function distributeStandbys(
  statefulTaskIds: readonly string[],
  activeOwners: ReadonlyMap<string, readonly string[]>,
  members: readonly {
    memberId: string;
    processId: string;
    previousTasks: readonly string[];
    standbyTasks?: readonly string[];
  }[],
  numStandbyReplicas: number,
): Map<string, string[]> {
  const result = new Map<string, string[]>(members.map((m) => [m.memberId, []]));
  const processOf = new Map(members.map((m) => [m.memberId, m.processId]));
  const replicas = Math.min(numStandbyReplicas, new Set(processOf.values()).size - 1);
  if (replicas <= 0 || statefulTaskIds.length === 0) return result;

  // Instances holding a copy of each task: its active's first.
  const copies = new Map<string, Set<string>>(statefulTaskIds.map((t) => [t, new Set<string>()]));
  for (const [memberId, tasks] of activeOwners)
    for (const taskId of tasks) copies.get(taskId)?.add(processOf.get(memberId)!);
  const placed = new Map<string, number>(statefulTaskIds.map((t) => [t, 0]));
  const cap = Math.ceil((statefulTaskIds.length * replicas) / members.length);
  const tasks = [...statefulTaskIds].sort(compareBySubtopology);
  const give = (member: { memberId: string; processId: string }, taskId: string) => {
    result.get(member.memberId)!.push(taskId);
    copies.get(taskId)!.add(member.processId);
    placed.set(taskId, placed.get(taskId)! + 1);
  };
  const sortedMembers = [...members].sort((a, b) => compare(a.memberId, b.memberId));

  for (const taskId of tasks) {
    const holders = [
      ...sortedMembers.filter((m) => m.standbyTasks?.includes(taskId)),
      ...sortedMembers.filter((m) => m.previousTasks.includes(taskId)),
    ];
    for (const member of holders) {
      if (placed.get(taskId)! >= replicas) break;
      if (copies.get(taskId)!.has(member.processId) || result.get(member.memberId)!.length >= cap) continue;
      give(member, taskId);
    }
  }
  const load = (memberId: string) => [result.get(memberId)!.length, activeOwners.get(memberId)?.length ?? 0];
  for (const taskId of tasks) {
    while (placed.get(taskId)! < replicas) {
      let best: (typeof members)[number] | undefined;
      for (const member of sortedMembers) {
        if (copies.get(taskId)!.has(member.processId)) continue;
        if (best === undefined) {
          best = member;
          continue;
        }
        const [s, a] = load(member.memberId);
        const [bs, ba] = load(best.memberId);
        if (s < bs || (s === bs && s + a < bs + ba)) best = member;
      }
      if (best === undefined) break;
      give(best, taskId);
    }
  }
  // Greedy placement can corner itself (the least loaded member already holds the last task): move standbys
  // from the most to the least loaded member while that is allowed, until their counts differ by at most one.
  for (let moved = true; moved; ) {
    moved = false;
    const byLoad = [...sortedMembers].sort((a, b) => result.get(a.memberId)!.length - result.get(b.memberId)!.length);
    for (const to of byLoad) {
      for (const from of byLoad.toReversed()) {
        if (result.get(from.memberId)!.length - result.get(to.memberId)!.length < 2) break;
        const taskId = result.get(from.memberId)!.find((t) => !copies.get(t)!.has(to.processId));
        if (taskId === undefined) continue;
        result.set(
          from.memberId,
          result.get(from.memberId)!.filter((t) => t !== taskId),
        );
        copies.get(taskId)!.delete(from.processId);
        give(to, taskId);
        placed.set(taskId, placed.get(taskId)! - 1);
        moved = true;
        break;
      }
      if (moved) break;
    }
  }
  for (const standbys of result.values()) standbys.sort(compareTaskIds);
  return result;
}

function errorAssignments(
  members: readonly GroupMemberSubscription[],
  errorCode: AssignorError,
  errorMessage: string,
): Map<string, MemberAssignment> {
  const info: AssignmentInfo = {
    version: PROTOCOL_VERSION,
    activeTasks: [],
    partitionsByHost: {},
    errorCode,
    errorMessage,
  };
  const userData = encodeAssignmentInfo(info);
  return new Map(members.map((m) => [m.memberId, { partitions: [], userData }]));
}

function compareTaskIds(a: string, b: string): number {
  const [sa, pa] = a.split('_').map(Number);
  const [sb, pb] = b.split('_').map(Number);
  return pa - pb || sa - sb;
}

function compareBySubtopology(a: string, b: string): number {
  const [sa, pa] = a.split('_').map(Number);
  const [sb, pb] = b.split('_').map(Number);
  return sa - sb || pa - pb;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type { SubscriptionInfo };
