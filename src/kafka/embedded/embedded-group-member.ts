import {
  ConfigError,
  FencedError,
  type GroupGeneration,
  type GroupMember,
  type GroupMemberOptions,
  KafkaBackendError,
  type MemberAssignment,
  RebalanceInProgressError,
  type TopicPartition,
  type TopicPartitionOffset,
} from '../backend.ts';
import type { BrokerState } from './broker-state.ts';
import type { GroupCoordinator, GroupErrorCode, JoinResponse } from './group-coordinator.ts';

/** Kafka consumer defaults: session.timeout.ms, max.poll.interval.ms (the rebalance timeout), heartbeat.interval.ms. */
const DEFAULT_SESSION_TIMEOUT_MS = 45_000;
const DEFAULT_REBALANCE_TIMEOUT_MS = 300_000;
const DEFAULT_HEARTBEAT_INTERVAL_MS = 3_000;

type Status = 'idle' | 'running' | 'leaving' | 'stopped';

/**
 * A member of a consumer group on the embedded broker, driving the classic protocol as a Java consumer does:
 * revoke (awaited), JoinGroup, the leader runs the assignor, SyncGroup, onAssigned (awaited), then heartbeats on
 * its own timer until a rebalance is signalled. Heartbeats continue while callbacks run, like Java's heartbeat
 * thread, so a slow callback does not cost the session.
 */
export class EmbeddedGroupMember implements GroupMember {
  private readonly broker: BrokerState;
  private readonly options: GroupMemberOptions;
  private readonly coordinator: GroupCoordinator;
  private readonly sessionTimeoutMs: number;
  private readonly rebalanceTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly groupInstanceId: string | null;
  private status: Status = 'idle';
  private memberId = '';
  /** The generation of the last join response: what heartbeats carry. */
  private joinedGenerationId = -1;
  private joinInFlight = false;
  private current: GroupGeneration | undefined;
  private owned: readonly TopicPartition[] = [];
  private rejoinNeeded = false;
  private wake: (() => void) | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly firstAssignment = Promise.withResolvers<void>();
  private firstAssignmentSettled = false;
  private readonly stopSignal = Promise.withResolvers<undefined>();
  private loop: Promise<void> | undefined;

  constructor(broker: BrokerState, options: GroupMemberOptions) {
    this.broker = broker;
    this.options = options;
    if (typeof options.assignor !== 'function') throw new ConfigError('assignor', 'must be a function');
    if (!Array.isArray(options.topics) || options.topics.length === 0) {
      throw new ConfigError('topics', `group "${options.groupId}" needs at least one subscribed topic`);
    }
    this.coordinator = broker.group(options.groupId);
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    this.rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? DEFAULT_REBALANCE_TIMEOUT_MS;
    // Kafka's guidance: heartbeat at most a third of the session timeout.
    this.heartbeatIntervalMs =
      options.heartbeatIntervalMs ?? Math.min(DEFAULT_HEARTBEAT_INTERVAL_MS, Math.floor(this.sessionTimeoutMs / 3));
    this.groupInstanceId = options.groupInstanceId ?? null;
    const { groupMinSessionTimeoutMs: min, groupMaxSessionTimeoutMs: max } = broker.settings;
    if (!(this.sessionTimeoutMs >= min && this.sessionTimeoutMs <= max)) {
      throw new ConfigError(
        'sessionTimeoutMs',
        `${this.sessionTimeoutMs} is outside the broker's allowed range [${min}, ${max}] ` +
          `(group.min.session.timeout.ms, group.max.session.timeout.ms; INVALID_SESSION_TIMEOUT) (group "${options.groupId}"). ` +
          'new EmbeddedBroker({ groupMinSessionTimeoutMs }) lowers the minimum for tests.',
      );
    }
    if (!(this.heartbeatIntervalMs > 0 && this.heartbeatIntervalMs < this.sessionTimeoutMs)) {
      throw new ConfigError(
        'heartbeatIntervalMs',
        `${this.heartbeatIntervalMs} must be positive and lower than sessionTimeoutMs (${this.sessionTimeoutMs}) (group "${options.groupId}")`,
      );
    }
    if (!(this.rebalanceTimeoutMs > 0)) {
      throw new ConfigError(
        'rebalanceTimeoutMs',
        `${this.rebalanceTimeoutMs} must be positive (group "${options.groupId}")`,
      );
    }
    // join() may be awaited by nobody when the member fails; do not turn that into an unhandled rejection.
    this.firstAssignment.promise.catch(() => {});
  }

  join(): Promise<void> {
    if (this.status === 'idle') {
      this.status = 'running';
      // While someone waits for the first assignment, keep the process alive (the group's timers are unref'd).
      const keepAlive = setInterval(() => {}, 1 << 30);
      const release = () => clearInterval(keepAlive);
      this.firstAssignment.promise.then(release, release);
      this.loop = this.run();
    } else if (this.status === 'stopped' || this.status === 'leaving') {
      const left = new KafkaBackendError(
        `group "${this.options.groupId}": this member has left the group; create a new member to join again`,
      );
      if (!this.firstAssignmentSettled) this.settleFirstAssignment(left);
      // A failure keeps its own error; a member that had joined and then left cannot join again.
      return this.firstAssignment.promise.then(() => Promise.reject(left));
    }
    return this.firstAssignment.promise;
  }

  generation(): GroupGeneration | undefined {
    return this.current;
  }

  requestRejoin(): void {
    if (this.status !== 'running') return;
    this.signalRejoin();
  }

  async commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const generation = this.current;
    if (!generation) {
      throw new RebalanceInProgressError(
        `group "${this.options.groupId}": this member has no current generation (joining or rebalancing); offsets not committed`,
      );
    }
    this.coordinator.commitOffsets(generation.memberId, this.groupInstanceId, generation.generationId, offsets);
  }

  async leave(): Promise<void> {
    if (this.status === 'stopped' || this.status === 'leaving') return;
    const wasRunning = this.status === 'running';
    this.status = 'leaving';
    this.stopSignal.resolve(undefined);
    this.wake?.();
    if (wasRunning) await this.loop;
    try {
      if (this.current) await this.revoke();
    } finally {
      this.stopHeartbeats();
      // Static members stay registered until their session times out, as in Kafka (no LeaveGroup is sent).
      if (this.memberId && this.groupInstanceId === null) this.coordinator.leave(this.memberId);
      this.status = 'stopped';
      this.settleFirstAssignment(
        new KafkaBackendError(`group "${this.options.groupId}": the member left before its first assignment`),
      );
      this.broker.forget(this);
    }
  }

  /**
   * Test-only: simulates a crashed process. The member stops heartbeating and stops taking part in the group
   * at once, without revoking and without LeaveGroup, so the coordinator removes it only after its session
   * timeout and then reassigns its partitions. No callback is invoked after this call.
   */
  async crash(): Promise<void> {
    if (this.status === 'stopped') return;
    this.status = 'stopped';
    this.stopHeartbeats();
    this.stopSignal.resolve(undefined);
    this.wake?.();
    this.settleFirstAssignment(new KafkaBackendError(`group "${this.options.groupId}": the member crashed`));
    this.broker.forget(this);
  }

  /** Closing a group member means leaving its group. */
  close(): Promise<void> {
    return this.leave();
  }

  private active(): boolean {
    return this.status === 'running';
  }

  private async run(): Promise<void> {
    try {
      while (this.active()) {
        if (this.current) await this.revoke();
        if (!this.active()) return;
        this.rejoinNeeded = false;
        const userData = (await this.options.userData?.()) ?? Buffer.alloc(0);
        if (!this.active()) return;
        this.joinInFlight = true;
        const joined = await this.untilStopped(
          this.coordinator.join({
            memberId: this.memberId,
            groupInstanceId: this.groupInstanceId,
            clientId: this.options.clientId ?? `tributary-${this.options.groupId}`,
            sessionTimeoutMs: this.sessionTimeoutMs,
            rebalanceTimeoutMs: this.rebalanceTimeoutMs,
            protocolName: this.options.protocolName ?? 'tributary',
            topics: this.options.topics,
            userData,
            onRebalance: () => this.signalRejoin(),
          }),
        );
        this.joinInFlight = false;
        if (!joined || !this.active()) return;
        if (joined.error) {
          if (joined.error === 'MEMBER_ID_REQUIRED' && joined.memberId) this.memberId = joined.memberId;
          else this.onProtocolError(joined.error);
          continue;
        }
        this.memberId = joined.memberId;
        this.joinedGenerationId = joined.generationId;
        this.startHeartbeats();
        const assignments =
          joined.leaderId === joined.memberId && joined.members.length > 0 ? await this.assign(joined) : undefined;
        if (!this.active()) return;
        const synced = await this.untilStopped(
          this.coordinator.sync(this.memberId, this.groupInstanceId, joined.generationId, assignments),
        );
        if (!synced || !this.active()) return;
        if (synced.error) {
          this.onProtocolError(synced.error);
          continue;
        }
        this.owned = synced.assignment.partitions;
        this.current = {
          groupId: this.options.groupId,
          generationId: joined.generationId,
          memberId: this.memberId,
          groupInstanceId: this.groupInstanceId,
        };
        await this.options.onAssigned?.(synced.assignment, this.current);
        this.settleFirstAssignment();
        await this.rejoinSignalled();
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new KafkaBackendError(String(error)));
    }
  }

  private async assign(joined: Extract<JoinResponse, { memberId: string }>): Promise<Map<string, MemberAssignment>> {
    const topicPartitions = new Map<string, number>();
    for (const member of joined.members) {
      for (const topic of member.topics) {
        const partitions = this.broker.topics.get(topic)?.partitions.length;
        if (partitions !== undefined) topicPartitions.set(topic, partitions);
      }
    }
    const assignments = await this.options.assignor({
      members: joined.members,
      topicPartitions,
      generationId: joined.generationId,
    });
    if (!(assignments instanceof Map)) {
      throw new KafkaBackendError(
        `group "${this.options.groupId}": the assignor must return a Map of member id to assignment`,
      );
    }
    return assignments;
  }

  private async revoke(): Promise<void> {
    const owned = this.owned;
    await this.options.onRevoked?.(owned);
    this.owned = [];
    this.current = undefined;
  }

  private onProtocolError(code: GroupErrorCode): void {
    if (code === 'UNKNOWN_MEMBER_ID') {
      this.memberId = '';
      this.joinedGenerationId = -1;
    } else if (code === 'FENCED_INSTANCE_ID') {
      throw new FencedError(
        `group "${this.options.groupId}": another member joined with group.instance.id "${this.groupInstanceId}" (FENCED_INSTANCE_ID)`,
      );
    } else if (code === 'INCONSISTENT_GROUP_PROTOCOL') {
      throw new KafkaBackendError(
        `group "${this.options.groupId}": its members use another protocol than "${this.options.protocolName ?? 'tributary'}" (INCONSISTENT_GROUP_PROTOCOL)`,
      );
    }
    // ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS: the loop simply joins again.
  }

  /** A fatal error: report it, stop, and leave so that the rest of the group is not held up. */
  private fail(error: Error): void {
    if (this.status === 'stopped') return;
    this.status = 'stopped';
    this.stopHeartbeats();
    this.stopSignal.resolve(undefined);
    this.wake?.();
    if (this.memberId) this.coordinator.leave(this.memberId);
    this.current = undefined;
    this.owned = [];
    this.broker.forget(this);
    if (this.firstAssignmentSettled) this.options.onError?.(error);
    else this.settleFirstAssignment(error);
  }

  private signalRejoin(): void {
    this.rejoinNeeded = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private rejoinSignalled(): Promise<void> {
    if (this.rejoinNeeded || !this.active()) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /** Resolves with undefined as soon as the member leaves or crashes, so that no await outlives it. */
  private untilStopped<T>(promise: Promise<T>): Promise<T | undefined> {
    return Promise.race([promise, this.stopSignal.promise]);
  }

  private startHeartbeats(): void {
    if (this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.heartbeatIntervalMs);
    // A forgotten member must not keep the process alive.
    this.heartbeatTimer.unref();
  }

  private heartbeat(): void {
    if (this.joinInFlight || !this.memberId || this.status === 'stopped') return;
    const error = this.coordinator.heartbeat(this.memberId, this.joinedGenerationId, this.groupInstanceId);
    if (error === null || this.status !== 'running') return;
    if (error === 'FENCED_INSTANCE_ID') {
      this.fail(
        new FencedError(
          `group "${this.options.groupId}": another member joined with group.instance.id "${this.groupInstanceId}" (FENCED_INSTANCE_ID)`,
        ),
      );
      return;
    }
    if (error === 'UNKNOWN_MEMBER_ID') {
      this.memberId = '';
      this.joinedGenerationId = -1;
    }
    this.signalRejoin();
  }

  private stopHeartbeats(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private settleFirstAssignment(error?: Error): void {
    if (this.firstAssignmentSettled) return;
    this.firstAssignmentSettled = true;
    if (error) this.firstAssignment.reject(error);
    else this.firstAssignment.resolve();
  }
}
