import {
  type Connection,
  decodeConsumerProtocolAssignment,
  decodeConsumerProtocolSubscription,
  encodeConsumerProtocolAssignment,
  encodeConsumerProtocolSubscription,
  heartbeatV4,
  joinGroupV9,
  leaveGroupV5,
  offsetCommitV9,
  syncGroupV5,
} from '@platformatic/kafka';
import {
  ConfigError,
  FencedError,
  type GroupGeneration,
  type GroupMember,
  type GroupMemberOptions,
  type GroupMemberSubscription,
  KafkaBackendError,
  type MemberAssignment,
  RebalanceInProgressError,
  type TopicPartition,
  type TopicPartitionOffset,
} from '../backend.ts';
import { ClusterClient, delay, graceDelay, isRetriable, isUnreachable, sendAllowingErrors } from './cluster-client.ts';
import type { ResolvedConfig } from './config.ts';
import { partitionError, toBackendError } from './errors.ts';
import { offsetCommitTopics } from './offset-commit-topics.ts';

const PROTOCOL_TYPE = 'consumer';
const LEAVE_GRACE_MS = 5_000;
const EMPTY = Buffer.alloc(0);

// Kafka error codes the membership loop reacts to.
const NONE = 0;
const COORDINATOR_LOAD_IN_PROGRESS = 14;
const COORDINATOR_NOT_AVAILABLE = 15;
const NOT_COORDINATOR = 16;
const ILLEGAL_GENERATION = 22;
const UNKNOWN_MEMBER_ID = 25;
const REBALANCE_IN_PROGRESS = 27;
const MEMBER_ID_REQUIRED = 79;
const FENCED_INSTANCE_ID = 82;
const COORDINATOR_ERRORS = new Set([COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR]);

/**
 * A classic-protocol group member driving JoinGroup / SyncGroup / Heartbeat / LeaveGroup / OffsetCommit
 * itself, so that the leader runs Tributary's assignor with every member's subscription userData, every
 * member receives its OWN assignment userData, and rebalances are eager with awaited callbacks.
 *
 * Two loops run after join(): a heartbeat loop (only while stable) that notices rebalances, and the
 * membership loop that revokes (awaited), rejoins, syncs and assigns (awaited). Heartbeats continue
 * while onAssigned runs, so a long restore does not get the member kicked out.
 */
export class PlatformaticGroupMember implements GroupMember {
  readonly #client: ClusterClient;
  readonly #options: GroupMemberOptions;
  readonly #protocolName: string;
  readonly #sessionTimeoutMs: number;
  readonly #rebalanceTimeoutMs: number;
  readonly #heartbeatIntervalMs: number;
  #coordinator: number | undefined;
  #memberId = '';
  #generation: GroupGeneration | undefined;
  /** True from the moment a rebalance starts (revoke) until the new assignment is delivered. */
  #rebalancing = false;
  #crashed = false;
  #owned: TopicPartition[] = [];
  #rejoinNeeded = false;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #wakeLoop: (() => void) | undefined;
  #wakeHeartbeat: (() => void) | undefined;

  constructor(config: ResolvedConfig, options: GroupMemberOptions) {
    if (!options || typeof options.groupId !== 'string' || options.groupId.length === 0) {
      throw new KafkaBackendError('group member option "groupId" must be a non-empty string');
    }
    if (!Array.isArray(options.topics) || options.topics.some((t) => typeof t !== 'string' || !t)) {
      throw new KafkaBackendError(`group "${options.groupId}": option "topics" must be an array of topic names`);
    }
    if (typeof options.assignor !== 'function') {
      throw new KafkaBackendError(`group "${options.groupId}": option "assignor" must be a function`);
    }
    this.#options = options;
    this.#protocolName = options.protocolName ?? 'tributary';
    this.#sessionTimeoutMs = positive(options, 'sessionTimeoutMs', 45_000);
    this.#rebalanceTimeoutMs = positive(options, 'rebalanceTimeoutMs', 300_000);
    this.#heartbeatIntervalMs = positive(options, 'heartbeatIntervalMs', Math.min(3_000, this.#sessionTimeoutMs / 3));
    // JoinGroup is parked by the broker until every member rejoined (at worst until a dead member's session
    // expires), so this member's requests may wait longer than the usual request timeout.
    const requestTimeoutMs = Math.max(config.requestTimeoutMs, this.#sessionTimeoutMs + 5_000);
    this.#client = new ClusterClient(
      { ...config, requestTimeoutMs },
      options.clientId ?? `${config.clientId}-${options.groupId}`,
    );
  }

  get #name(): string {
    return `group "${this.#options.groupId}"`;
  }

  generation(): GroupGeneration | undefined {
    return this.#generation;
  }

  async join(): Promise<void> {
    if (this.#stopped) throw new KafkaBackendError(`${this.#name}: cannot join after leave()`);
    if (this.#loop) throw new KafkaBackendError(`${this.#name}: join() was already called`);
    // Heartbeats start with the first generation, not after the first onAssigned returns.
    void this.#heartbeatLoop();
    try {
      await this.#rejoin();
    } catch (error) {
      this.#stopped = true;
      this.#wakeHeartbeat?.();
      await this.#client.close();
      throw error;
    }
    this.#loop = this.#membershipLoop();
  }

  requestRejoin(): void {
    this.#rejoinNeeded = true;
    this.#wakeLoop?.();
  }

  // ---------------------------------------------------------------------------------------------- loops

  async #membershipLoop(): Promise<void> {
    while (!this.#stopped) {
      if (!this.#rejoinNeeded) {
        await new Promise<void>((resolve) => {
          this.#wakeLoop = resolve;
        });
        this.#wakeLoop = undefined;
        continue;
      }
      try {
        await this.#rejoin();
      } catch (error) {
        if (this.#stopped) return;
        this.#options.onError?.(error as Error);
        if (error instanceof FencedError) {
          this.#stopped = true;
          return;
        }
        await delay(this.#client.config.retryDelayMs);
        this.#rejoinNeeded = true;
      }
    }
  }

  async #heartbeatLoop(): Promise<void> {
    let failingSince: number | undefined;
    while (!this.#stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#heartbeatIntervalMs);
        this.#wakeHeartbeat = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      const generation = this.#generation;
      if (this.#stopped || !generation || this.#rejoinNeeded || this.#rebalancing) continue;
      try {
        const code = await this.#heartbeat(generation);
        failingSince = undefined;
        if (code === NONE || generation !== this.#generation) continue;
        if (code === FENCED_INSTANCE_ID) {
          this.#stopped = true;
          this.#wakeLoop?.();
          this.#options.onError?.(
            new FencedError(
              `${this.#name}: static member "${this.#options.groupInstanceId}" was fenced by a newer instance`,
            ),
          );
          return;
        }
        if (code === UNKNOWN_MEMBER_ID) this.#memberId = '';
        if (COORDINATOR_ERRORS.has(code)) {
          this.#coordinator = undefined;
          continue;
        }
        this.requestRejoin();
      } catch (error) {
        if (this.#stopped) return;
        this.#coordinator = undefined;
        failingSince ??= Date.now();
        // The broker has surely removed us by now: start over as a new member.
        if (Date.now() - failingSince > this.#sessionTimeoutMs) {
          failingSince = undefined;
          this.requestRejoin();
        }
        if (!isRetriable(error)) this.#options.onError?.(error as Error);
      }
    }
  }

  async #heartbeat(generation: GroupGeneration): Promise<number> {
    const connection = await this.#coordinatorConnection();
    const response = await sendAllowingErrors(
      heartbeatV4.api,
      connection,
      generation.groupId,
      generation.generationId,
      generation.memberId,
      generation.groupInstanceId ?? null,
    );
    return response.errorCode;
  }

  // ---------------------------------------------------------------------------------------------- rebalance

  /** Revokes what is owned (awaited), then joins and syncs until an assignment arrives, then delivers it. */
  async #rejoin(): Promise<void> {
    this.#rejoinNeeded = false;
    this.#rebalancing = true;
    try {
      await this.#rejoinRounds();
    } finally {
      this.#rebalancing = false;
    }
  }

  async #rejoinRounds(): Promise<void> {
    await this.#revoke();
    const deadline = Date.now() + Math.max(this.#rebalanceTimeoutMs, this.#sessionTimeoutMs) + 30_000;
    let attempt = 0;
    let unreachable = 0;
    for (;;) {
      if (this.#stopped) return;
      if (Date.now() > deadline) throw new KafkaBackendError(`${this.#name}: could not complete a rebalance in time`);
      try {
        const done = await this.#joinAndSync();
        if (done) return;
        attempt = 0;
      } catch (error) {
        if (error instanceof KafkaBackendError && !isRetriable(error.cause)) throw error;
        if (!isRetriable(error)) throw toBackendError(error, this.#client.context(`${this.#name}: joining`));
        this.#coordinator = undefined;
        // A coordinator moving to another broker takes seconds; a cluster nobody answers for is given up on
        // after the configured retries.
        attempt++;
        if ((isUnreachable(error) && ++unreachable > this.#client.config.retries) || attempt > 30) {
          throw toBackendError(error, this.#client.context(`${this.#name}: joining`));
        }
        await delay(Math.min(this.#client.config.retryDelayMs * attempt, 2_000));
      }
    }
  }

  /** Eager revocation: the old generation stays valid during onRevoked, so it can still commit (as in Kafka). */
  async #revoke(): Promise<void> {
    const owned = this.#owned;
    try {
      if (owned.length > 0) await this.#options.onRevoked?.(owned);
    } finally {
      this.#owned = [];
      this.#generation = undefined;
    }
  }

  /** One JoinGroup + SyncGroup round. False when the group asks for another round. */
  async #joinAndSync(): Promise<boolean> {
    const options = this.#options;
    const userData = (await options.userData?.()) ?? EMPTY;
    const subscription = encodeConsumerProtocolSubscription({ version: 0, topics: [...options.topics], userData });
    let connection = await this.#coordinatorConnection();
    const joined = await sendAllowingErrors(
      joinGroupV9.api,
      connection,
      options.groupId,
      this.#sessionTimeoutMs,
      this.#rebalanceTimeoutMs,
      this.#memberId,
      options.groupInstanceId ?? null,
      PROTOCOL_TYPE,
      [{ name: this.#protocolName, metadata: subscription }],
      null,
    );
    if (this.#stopped) return true;
    switch (joined.errorCode) {
      case NONE:
        break;
      case MEMBER_ID_REQUIRED:
        this.#memberId = joined.memberId;
        return false;
      case UNKNOWN_MEMBER_ID:
      case ILLEGAL_GENERATION:
        this.#memberId = '';
        return false;
      case REBALANCE_IN_PROGRESS:
        return false;
      case FENCED_INSTANCE_ID:
        throw new FencedError(
          `${this.#name}: static member "${options.groupInstanceId}" was fenced by a newer instance`,
        );
      default:
        throw this.#error(joined.errorCode, 'JoinGroup');
    }
    this.#memberId = joined.memberId;
    const generationId = joined.generationId;
    let assignments: { memberId: string; assignment: Buffer }[] = [];
    if (joined.leader === joined.memberId && !joined.skipAssignment) {
      assignments = await this.#assign(joined.members, generationId);
    }
    connection = await this.#coordinatorConnection();
    const synced = await sendAllowingErrors(
      syncGroupV5.api,
      connection,
      options.groupId,
      generationId,
      this.#memberId,
      options.groupInstanceId ?? null,
      PROTOCOL_TYPE,
      joined.protocolName ?? this.#protocolName,
      assignments,
    );
    if (this.#stopped) return true;
    switch (synced.errorCode) {
      case NONE:
        break;
      case REBALANCE_IN_PROGRESS:
        return false;
      case UNKNOWN_MEMBER_ID:
      case ILLEGAL_GENERATION:
        this.#memberId = '';
        return false;
      case FENCED_INSTANCE_ID:
        throw new FencedError(
          `${this.#name}: static member "${options.groupInstanceId}" was fenced by a newer instance`,
        );
      default:
        throw this.#error(synced.errorCode, 'SyncGroup');
    }
    const assignment = decodeAssignment(synced.assignment);
    const generation: GroupGeneration = {
      groupId: options.groupId,
      generationId,
      memberId: this.#memberId,
      groupInstanceId: options.groupInstanceId ?? null,
    };
    this.#owned = [...assignment.partitions];
    this.#generation = generation;
    // Stable from here: heartbeats resume while onAssigned runs (it may restore state for a long time).
    this.#rebalancing = false;
    await options.onAssigned?.(assignment, generation);
    return true;
  }

  /** The leader's part: every member's subscription in, every member's own encoded assignment out. */
  async #assign(
    members: readonly { memberId: string; groupInstanceId?: string | null; metadata: Buffer }[],
    generationId: number,
  ): Promise<{ memberId: string; assignment: Buffer }[]> {
    const subscriptions: GroupMemberSubscription[] = members.map((m) => {
      const decoded = decodeConsumerProtocolSubscription(m.metadata);
      return {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        topics: decoded.topics,
        userData: decoded.userData ?? EMPTY,
      };
    });
    const topics = [...new Set(subscriptions.flatMap((s) => s.topics))];
    const topicPartitions = new Map<string, number>();
    await Promise.all(
      topics.map(async (topic) => {
        try {
          const metadata = await this.#client.metadata([topic], true);
          const count = metadata.topics.get(topic)?.partitionsCount;
          if (count) topicPartitions.set(topic, count);
        } catch {
          // A subscribed topic that does not exist yet simply has no partitions to assign.
        }
      }),
    );
    const result = await this.#options.assignor({ members: subscriptions, topicPartitions, generationId });
    return subscriptions.map((s) => {
      const own = result.get(s.memberId) ?? { partitions: [], userData: EMPTY };
      const byTopic = new Map<string, number[]>();
      for (const tp of own.partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
      return {
        memberId: s.memberId,
        assignment: encodeConsumerProtocolAssignment({
          version: 0,
          assignedPartitions: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
          userData: own.userData,
        }),
      };
    });
  }

  async #coordinatorConnection(): Promise<Connection> {
    try {
      // No retries of its own: join, heartbeat and commit each retry already.
      this.#coordinator ??= await this.#client.findCoordinator('group', this.#options.groupId, 0);
      return await this.#client.connectionToNode(this.#coordinator);
    } catch (error) {
      // The coordinator's broker may be gone: look it up again on the next attempt.
      this.#coordinator = undefined;
      throw error;
    }
  }

  #error(code: number, request: string): Error {
    if (COORDINATOR_ERRORS.has(code)) this.#coordinator = undefined;
    const error = partitionError(code, { topic: this.#options.groupId, partition: -1 });
    error.message = `${this.#name}: ${request} failed with ${(error as { apiId?: string }).apiId}`;
    return error;
  }

  // ---------------------------------------------------------------------------------------------- commit

  async commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const action = `${this.#name}: committing offsets`;
    for (const o of offsets) {
      if (!Number.isInteger(o.offset) || o.offset < 0) {
        throw new KafkaBackendError(`${action}: invalid offset ${o.offset} for "${o.topic}" partition ${o.partition}`);
      }
    }
    const topics = offsetCommitTopics(offsets);
    if (!this.#generation || this.#client.closed) {
      throw new RebalanceInProgressError(`${action}: the member is not in the group (rebalancing, left or removed)`);
    }
    try {
      await this.#client.withRetry(action, async () => {
        const generation = this.#generation;
        if (!generation) {
          throw new RebalanceInProgressError(`${action}: the member is rebalancing (no current generation)`);
        }
        const connection = await this.#coordinatorConnection();
        const response = await sendAllowingErrors(
          offsetCommitV9.api,
          connection,
          generation.groupId,
          generation.generationId,
          generation.memberId,
          generation.groupInstanceId ?? null,
          topics,
        );
        for (const topic of response.topics) {
          for (const p of topic.partitions) {
            if (p.errorCode === NONE) continue;
            if (COORDINATOR_ERRORS.has(p.errorCode)) this.#coordinator = undefined;
            if ([ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS].includes(p.errorCode))
              this.requestRejoin();
            throw partitionError(p.errorCode, { topic: topic.name, partition: p.partitionIndex });
          }
        }
      });
    } catch (error) {
      if (error instanceof KafkaBackendError) throw error;
      throw toBackendError(
        error,
        this.#client.context(
          action,
          topics.map((t) => t.name),
        ),
      );
    }
  }

  // ---------------------------------------------------------------------------------------------- leave

  /**
   * Test-only: stops heartbeating and drops the connections without leaving or calling back, as a killed
   * process would. The broker removes the member after its session timeout.
   */
  async crash(): Promise<void> {
    this.#stopped = true;
    this.#crashed = true;
    this.#wakeLoop?.();
    this.#wakeHeartbeat?.();
    // The connections stay open and the generation is kept, so a later commit reaches the broker and is
    // refused there, as a zombie's would be.
  }

  async leave(): Promise<void> {
    if (this.#crashed || (this.#stopped && !this.#loop)) {
      this.#generation = undefined;
      await this.#client.close();
      return;
    }
    this.#stopped = true;
    this.#wakeLoop?.();
    this.#wakeHeartbeat?.();
    // The loop may be parked in a JoinGroup the broker holds until the group settles: wait a bounded time.
    await Promise.race([this.#loop, graceDelay(LEAVE_GRACE_MS)]);
    try {
      await this.#revoke();
    } finally {
      // A static member stays registered until its session times out (as in Kafka), so a restart within
      // the session keeps its assignment without a rebalance.
      if (this.#memberId && !this.#options.groupInstanceId) {
        try {
          const leaving = (async () => {
            const connection = await this.#coordinatorConnection();
            await sendAllowingErrors(leaveGroupV5.api, connection, this.#options.groupId, [
              { memberId: this.#memberId, groupInstanceId: null, reason: 'leaving' },
            ]);
          })();
          leaving.catch(() => undefined);
          await Promise.race([leaving, graceDelay(LEAVE_GRACE_MS)]);
        } catch {
          // Leaving is best effort: the session timeout removes the member anyway.
        }
      }
      this.#memberId = '';
      await this.#client.close();
    }
  }
}

function decodeAssignment(buffer: Buffer | null | undefined): MemberAssignment {
  if (!buffer || buffer.length === 0) return { partitions: [], userData: EMPTY };
  const decoded = decodeConsumerProtocolAssignment(buffer);
  return {
    partitions: decoded.assignedPartitions.flatMap((a) =>
      a.partitions.map((partition) => ({ topic: a.topic, partition })),
    ),
    userData: decoded.userData ?? EMPTY,
  };
}

function positive(
  options: GroupMemberOptions,
  key: 'sessionTimeoutMs' | 'rebalanceTimeoutMs' | 'heartbeatIntervalMs',
  fallback: number,
): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(key, `group "${options.groupId}": must be a positive number, got ${JSON.stringify(value)}`);
  }
  return value;
}
