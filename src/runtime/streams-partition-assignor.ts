/**
 * The group leader's assignor (Java's StreamsPartitionAssignor, simplified to active tasks): plans the tasks
 * from the source topics' partition counts, then gives each member a balanced, sticky share.
 *
 * - Balanced: every member gets ⌊T/n⌋ or ⌈T/n⌉ of the T tasks.
 * - Sticky: a member keeps the tasks it ran before (from its subscription userData), up to its share, so state
 *   does not move without need. The extra tasks go to the members that already held the most.
 * - A member's partitions are exactly its tasks' partitions, so co-partitioned partitions stay together.
 * - Errors (a missing source topic, topics not co-partitioned, a member asking the whole application to shut
 *   down) are sent to every member as an error code in its assignment userData.
 */
import type { GroupAssignor, GroupMemberSubscription, MemberAssignment, TopicPartition } from '../kafka/backend.ts';
import { topicPartitionKey } from '../kafka/backend.ts';
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

  const owners = distributeTasks(
    [...tasks.keys()],
    subscriptions.map(({ member, info }) => ({ memberId: member.memberId, previousTasks: info.previousTasks })),
  );

  const partitionsByHost: Record<string, string[]> = {};
  for (const { member, info } of subscriptions) {
    if (info.endpoint === '') continue;
    const owned = (owners.get(member.memberId) ?? []).flatMap((taskId) =>
      tasks.get(taskId)!.partitions.map(topicPartitionKey),
    );
    partitionsByHost[info.endpoint] = [...(partitionsByHost[info.endpoint] ?? []), ...owned];
  }

  const result = new Map<string, MemberAssignment>();
  for (const { member } of subscriptions) {
    const activeTasks = owners.get(member.memberId) ?? [];
    const partitions: TopicPartition[] = activeTasks.flatMap((taskId) => tasks.get(taskId)!.partitions);
    const info: AssignmentInfo = {
      version: PROTOCOL_VERSION,
      activeTasks,
      partitionsByHost,
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
  members: readonly { memberId: string; previousTasks: readonly string[] }[],
): Map<string, string[]> {
  const result = new Map<string, string[]>(members.map((m) => [m.memberId, []]));
  if (members.length === 0) return result;
  const exists = new Set(taskIds);
  const previousCount = (m: { previousTasks: readonly string[] }) =>
    m.previousTasks.filter((t) => exists.has(t)).length;

  // Who gets ⌈T/n⌉: the members that already held the most, so the fewest tasks move.
  const base = Math.floor(taskIds.length / members.length);
  let extra = taskIds.length % members.length;
  const byHeld = [...members].sort((a, b) => previousCount(b) - previousCount(a) || compare(a.memberId, b.memberId));
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
