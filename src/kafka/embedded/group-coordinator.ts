import { randomUUID } from 'node:crypto';
import {
  FencedError,
  type GroupDescription,
  type GroupMemberSubscription,
  KafkaBackendError,
  type MemberAssignment,
  RebalanceInProgressError,
  type TopicPartition,
  type TopicPartitionOffset,
  topicPartitionKey,
} from '../backend.ts';

/** Kafka's classic group states. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** The protocol errors a member acts on, with Kafka's names. */
export type GroupErrorCode =
  | 'MEMBER_ID_REQUIRED'
  | 'UNKNOWN_MEMBER_ID'
  | 'ILLEGAL_GENERATION'
  | 'REBALANCE_IN_PROGRESS'
  | 'FENCED_INSTANCE_ID'
  | 'INCONSISTENT_GROUP_PROTOCOL';

export interface JoinRequest {
  /** '' for a member joining for the first time. */
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocolName: string;
  readonly topics: readonly string[];
  readonly userData: Buffer;
  /**
   * Called when a rebalance starts. A real member learns it from its next heartbeat; in-process we can tell it
   * at once, which keeps rebalances on the embedded broker fast without changing what happens.
   */
  readonly onRebalance: () => void;
}

export type JoinResponse =
  | { readonly error: GroupErrorCode; readonly memberId?: string }
  | {
      readonly error?: undefined;
      readonly memberId: string;
      readonly generationId: number;
      readonly leaderId: string;
      readonly protocolName: string;
      /** Every member's subscription for the leader; empty for the others. */
      readonly members: readonly GroupMemberSubscription[];
    };

export type SyncResponse =
  | { readonly error: GroupErrorCode }
  | { readonly error?: undefined; readonly assignment: MemberAssignment };

interface MemberRecord {
  memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolName: string;
  topics: readonly string[];
  userData: Buffer;
  onRebalance: () => void;
  assignment: MemberAssignment;
  joinWaiter?: (response: JoinResponse) => void;
  syncWaiter?: (response: SyncResponse) => void;
  sessionTimer?: NodeJS.Timeout;
}

const EMPTY_ASSIGNMENT: MemberAssignment = { partitions: [], userData: Buffer.alloc(0) };

/**
 * One consumer group on the embedded broker: Kafka's classic group protocol (JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup, OffsetCommit) as a state machine. Members that stop heartbeating are removed after their session
 * timeout; members that do not rejoin within the rebalance timeout are removed when the join phase ends.
 */
export class GroupCoordinator {
  readonly groupId: string;
  private groupState: GroupState = 'Empty';
  private generation = 0;
  private protocol: string | null = null;
  private leaderId: string | null = null;
  private readonly members = new Map<string, MemberRecord>();
  /** Member ids handed out with MEMBER_ID_REQUIRED and not yet used (KIP-394). */
  private readonly pendingMemberIds = new Set<string>();
  private readonly committed = new Map<string, TopicPartitionOffset>();
  private rebalanceTimer: NodeJS.Timeout | undefined;

  constructor(groupId: string) {
    this.groupId = groupId;
  }

  get state(): GroupState {
    return this.groupState;
  }

  get generationId(): number {
    return this.generation;
  }

  get memberCount(): number {
    return this.members.size;
  }

  join(request: JoinRequest): Promise<JoinResponse> {
    if (this.members.size > 0 && this.protocol !== null && this.protocol !== request.protocolName) {
      const others = [...this.members.values()].filter((member) => member.memberId !== request.memberId);
      if (others.length > 0 && others.every((member) => member.protocolName !== request.protocolName)) {
        return Promise.resolve({ error: 'INCONSISTENT_GROUP_PROTOCOL' });
      }
    }
    let member: MemberRecord | undefined;
    if (request.memberId === '') {
      const replaced =
        request.groupInstanceId === null
          ? undefined
          : [...this.members.values()].find((m) => m.groupInstanceId === request.groupInstanceId);
      const memberId = `${request.clientId || 'member'}-${randomUUID()}`;
      if (request.groupInstanceId === null) {
        // KIP-394: a new dynamic member first gets its id, then joins with it; a member that dies in between
        // never becomes a member that has to time out.
        this.pendingMemberIds.add(memberId);
        return Promise.resolve({ error: 'MEMBER_ID_REQUIRED', memberId });
      }
      if (replaced) {
        // Static membership: the instance id keeps its place; the old member id is fenced.
        const unchanged = sameSubscription(replaced, request);
        this.members.delete(replaced.memberId);
        clearTimeout(replaced.sessionTimer);
        replaced.joinWaiter?.({ error: 'FENCED_INSTANCE_ID' });
        replaced.syncWaiter?.({ error: 'FENCED_INSTANCE_ID' });
        member = { ...replaced, memberId, joinWaiter: undefined, syncWaiter: undefined, sessionTimer: undefined };
        this.members.set(memberId, member);
        if (this.leaderId === replaced.memberId) this.leaderId = memberId;
        this.update(member, request);
        if (this.groupState === 'Stable' && unchanged) {
          // A static member restarting with the same subscription gets its old assignment without a rebalance.
          this.touch(member);
          return Promise.resolve(this.joinResponse(member, false));
        }
      } else {
        member = newMember(memberId, request);
        this.members.set(memberId, member);
      }
    } else if (this.pendingMemberIds.delete(request.memberId)) {
      member = newMember(request.memberId, request);
      this.members.set(member.memberId, member);
    } else {
      if (this.fencedInstance(request.memberId, request.groupInstanceId))
        return Promise.resolve({ error: 'FENCED_INSTANCE_ID' });
      member = this.members.get(request.memberId);
      if (!member) return Promise.resolve({ error: 'UNKNOWN_MEMBER_ID' });
      if (member.groupInstanceId !== request.groupInstanceId) return Promise.resolve({ error: 'FENCED_INSTANCE_ID' });
      const unchanged = sameSubscription(member, request);
      this.update(member, request);
      if (this.groupState === 'Stable' && unchanged && member.memberId !== this.leaderId) {
        // Kafka answers a follower that rejoins with unchanged metadata without a new rebalance.
        this.touch(member);
        return Promise.resolve(this.joinResponse(member, false));
      }
    }
    const joined = member;
    // A member waiting in JoinGroup is not expected to heartbeat; the rebalance timeout bounds the wait instead.
    clearTimeout(joined.sessionTimer);
    joined.syncWaiter?.({ error: 'REBALANCE_IN_PROGRESS' });
    joined.syncWaiter = undefined;
    const { promise, resolve } = Promise.withResolvers<JoinResponse>();
    joined.joinWaiter?.({ error: 'REBALANCE_IN_PROGRESS' });
    joined.joinWaiter = resolve;
    if (this.groupState === 'PreparingRebalance') this.maybeCompleteJoin();
    else this.prepareRebalance();
    return promise;
  }

  sync(
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
    assignments?: ReadonlyMap<string, MemberAssignment>,
  ): Promise<SyncResponse> {
    if (this.fencedInstance(memberId, groupInstanceId)) return Promise.resolve({ error: 'FENCED_INSTANCE_ID' });
    const member = this.members.get(memberId);
    if (!member) return Promise.resolve({ error: 'UNKNOWN_MEMBER_ID' });
    if (generationId !== this.generation) return Promise.resolve({ error: 'ILLEGAL_GENERATION' });
    if (this.groupState === 'PreparingRebalance') return Promise.resolve({ error: 'REBALANCE_IN_PROGRESS' });
    this.touch(member);
    if (this.groupState === 'Stable') return Promise.resolve({ assignment: member.assignment });
    const { promise, resolve } = Promise.withResolvers<SyncResponse>();
    member.syncWaiter = resolve;
    if (memberId === this.leaderId && assignments) {
      for (const m of this.members.values()) m.assignment = assignments.get(m.memberId) ?? EMPTY_ASSIGNMENT;
      this.groupState = 'Stable';
      for (const m of this.members.values()) {
        const waiter = m.syncWaiter;
        m.syncWaiter = undefined;
        waiter?.({ assignment: m.assignment });
      }
    }
    return promise;
  }

  heartbeat(memberId: string, generationId: number, groupInstanceId: string | null): GroupErrorCode | null {
    if (this.fencedInstance(memberId, groupInstanceId)) return 'FENCED_INSTANCE_ID';
    const member = this.members.get(memberId);
    if (!member) return 'UNKNOWN_MEMBER_ID';
    if (member.groupInstanceId !== groupInstanceId) return 'FENCED_INSTANCE_ID';
    this.touch(member);
    if (this.groupState === 'PreparingRebalance') return 'REBALANCE_IN_PROGRESS';
    if (generationId !== this.generation) return 'ILLEGAL_GENERATION';
    return null;
  }

  leave(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) this.removeMember(member);
  }

  /** OffsetCommit from a member: fenced by member id and generation, refused while the assignment is being synced. */
  commitOffsets(
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
    offsets: readonly TopicPartitionOffset[],
  ): void {
    if (this.fencedInstance(memberId, groupInstanceId)) {
      throw new FencedError(
        `group "${this.groupId}": group.instance.id "${groupInstanceId}" now belongs to another member (FENCED_INSTANCE_ID); offsets not committed`,
      );
    }
    const member = this.members.get(memberId);
    if (!member) {
      throw new RebalanceInProgressError(
        `group "${this.groupId}": member ${memberId} is no longer in the group (UNKNOWN_MEMBER_ID); offsets not committed`,
      );
    }
    if (generationId !== this.generation) {
      throw new RebalanceInProgressError(
        `group "${this.groupId}": generation ${generationId} is stale, the group is at ${this.generation} (ILLEGAL_GENERATION); offsets not committed`,
      );
    }
    if (this.groupState === 'CompletingRebalance') {
      throw new RebalanceInProgressError(
        `group "${this.groupId}" is rebalancing (REBALANCE_IN_PROGRESS); offsets not committed`,
      );
    }
    this.touch(member);
    this.storeOffsets(offsets);
  }

  /** TxnOffsetCommit's check (EOS v2): the producer's group generation must still be current. */
  validateTransactionalCommit(memberId: string, generationId: number, groupInstanceId: string | null = null): void {
    if (generationId < 0) return;
    if (this.fencedInstance(memberId, groupInstanceId)) {
      throw new FencedError(
        `group "${this.groupId}": group.instance.id "${groupInstanceId}" now belongs to another member (FENCED_INSTANCE_ID); the transaction must abort`,
      );
    }
    if (!this.members.has(memberId)) {
      throw new RebalanceInProgressError(
        `group "${this.groupId}": member ${memberId} is no longer in the group (UNKNOWN_MEMBER_ID); the transaction must abort`,
      );
    }
    if (generationId !== this.generation) {
      throw new RebalanceInProgressError(
        `group "${this.groupId}": generation ${generationId} is stale, the group is at ${this.generation} (ILLEGAL_GENERATION); the transaction must abort`,
      );
    }
  }

  storeOffsets(offsets: readonly TopicPartitionOffset[]): void {
    for (const { topic, partition, offset } of offsets) {
      this.committed.set(topicPartitionKey({ topic, partition }), { topic, partition, offset });
    }
  }

  committedOffsets(partitions?: readonly TopicPartition[]): TopicPartitionOffset[] {
    if (!partitions) return [...this.committed.values()];
    const found: TopicPartitionOffset[] = [];
    for (const tp of partitions) {
      const offset = this.committed.get(topicPartitionKey(tp));
      if (offset) found.push(offset);
    }
    return found;
  }

  forgetTopic(topic: string): void {
    for (const [key, offset] of this.committed) if (offset.topic === topic) this.committed.delete(key);
  }

  describe(): GroupDescription {
    return {
      groupId: this.groupId,
      state: this.groupState,
      protocolType: 'consumer',
      protocol: this.groupState === 'Stable' || this.groupState === 'CompletingRebalance' ? (this.protocol ?? '') : '',
      members: [...this.members.values()].map((member) => ({
        memberId: member.memberId,
        groupInstanceId: member.groupInstanceId,
        clientId: member.clientId,
        host: '/127.0.0.1',
        assignment: this.groupState === 'Stable' ? member.assignment.partitions : [],
      })),
    };
  }

  /** Stops every timer; used when the group is deleted. */
  dispose(): void {
    clearTimeout(this.rebalanceTimer);
    for (const member of this.members.values()) clearTimeout(member.sessionTimer);
    this.groupState = 'Dead';
  }

  /** Static membership: a request from an old member id of an instance that a newer member now holds. */
  private fencedInstance(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    for (const member of this.members.values()) {
      if (member.groupInstanceId === groupInstanceId) return member.memberId !== memberId;
    }
    return false;
  }

  private update(member: MemberRecord, request: JoinRequest): void {
    member.clientId = request.clientId;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    member.protocolName = request.protocolName;
    member.topics = request.topics;
    member.userData = request.userData;
    member.onRebalance = request.onRebalance;
  }

  private joinResponse(member: MemberRecord, withMembers: boolean): JoinResponse {
    return {
      memberId: member.memberId,
      generationId: this.generation,
      leaderId: this.leaderId ?? member.memberId,
      protocolName: this.protocol ?? member.protocolName,
      members: withMembers
        ? [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            topics: m.topics,
            userData: m.userData,
          }))
        : [],
    };
  }

  private prepareRebalance(): void {
    if (this.groupState === 'CompletingRebalance') {
      for (const member of this.members.values()) {
        const waiter = member.syncWaiter;
        member.syncWaiter = undefined;
        waiter?.({ error: 'REBALANCE_IN_PROGRESS' });
      }
    }
    this.groupState = 'PreparingRebalance';
    clearTimeout(this.rebalanceTimer);
    let rebalanceTimeoutMs = 0;
    for (const member of this.members.values())
      rebalanceTimeoutMs = Math.max(rebalanceTimeoutMs, member.rebalanceTimeoutMs);
    this.rebalanceTimer = setTimeout(() => this.completeJoin(), rebalanceTimeoutMs);
    this.rebalanceTimer.unref();
    for (const member of this.members.values()) if (!member.joinWaiter) member.onRebalance();
    this.maybeCompleteJoin();
  }

  private maybeCompleteJoin(): void {
    if (this.groupState !== 'PreparingRebalance') return;
    for (const member of this.members.values()) if (!member.joinWaiter) return;
    this.completeJoin();
  }

  /** Ends the join phase: members that did not rejoin are dropped, a new generation starts. */
  private completeJoin(): void {
    if (this.groupState !== 'PreparingRebalance') return;
    clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = undefined;
    for (const member of [...this.members.values()]) {
      if (!member.joinWaiter) {
        clearTimeout(member.sessionTimer);
        this.members.delete(member.memberId);
      }
    }
    this.generation++;
    if (this.members.size === 0) {
      this.groupState = 'Empty';
      this.protocol = null;
      this.leaderId = null;
      return;
    }
    const first = this.members.values().next().value as MemberRecord;
    this.protocol = first.protocolName;
    if (this.leaderId === null || !this.members.has(this.leaderId)) this.leaderId = first.memberId;
    this.groupState = 'CompletingRebalance';
    for (const member of this.members.values()) {
      const waiter = member.joinWaiter;
      member.joinWaiter = undefined;
      member.assignment = EMPTY_ASSIGNMENT;
      this.touch(member);
      waiter?.(this.joinResponse(member, member.memberId === this.leaderId));
    }
  }

  private removeMember(member: MemberRecord): void {
    if (this.members.get(member.memberId) !== member) return;
    clearTimeout(member.sessionTimer);
    this.members.delete(member.memberId);
    member.joinWaiter?.({ error: 'UNKNOWN_MEMBER_ID' });
    member.syncWaiter?.({ error: 'UNKNOWN_MEMBER_ID' });
    member.joinWaiter = undefined;
    member.syncWaiter = undefined;
    if (this.groupState === 'PreparingRebalance') this.maybeCompleteJoin();
    else if (this.groupState === 'Stable' || this.groupState === 'CompletingRebalance') this.prepareRebalance();
  }

  /** Restarts the member's session: if nothing is heard from it for sessionTimeoutMs, it is removed. */
  private touch(member: MemberRecord): void {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => this.removeMember(member), member.sessionTimeoutMs);
    // A forgotten group must not keep the process alive.
    member.sessionTimer.unref();
  }
}

/** A member as its first join describes it, with no assignment yet. */
function newMember(memberId: string, request: JoinRequest): MemberRecord {
  return {
    memberId,
    groupInstanceId: request.groupInstanceId,
    clientId: request.clientId,
    sessionTimeoutMs: request.sessionTimeoutMs,
    rebalanceTimeoutMs: request.rebalanceTimeoutMs,
    protocolName: request.protocolName,
    topics: request.topics,
    userData: request.userData,
    onRebalance: request.onRebalance,
    assignment: EMPTY_ASSIGNMENT,
  };
}

function sameSubscription(member: MemberRecord, request: JoinRequest): boolean {
  return (
    member.protocolName === request.protocolName &&
    member.userData.equals(request.userData) &&
    member.topics.length === request.topics.length &&
    member.topics.every((topic, i) => topic === request.topics[i])
  );
}

export function groupNotFound(groupId: string): KafkaBackendError {
  return new KafkaBackendError(`group "${groupId}" does not exist (GROUP_ID_NOT_FOUND)`);
}
