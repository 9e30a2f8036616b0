/**
 * What instances of one application tell each other through the group protocol (Java's SubscriptionInfo and
 * AssignmentInfo, in our own JSON encoding: Tributary instances only ever talk to Tributary instances).
 *
 * - Subscription userData (every member → leader): the tasks it ran before, active and standby (so the assignor can be sticky and
 *   state need not move), its `application.server` endpoint, and an error code (SHUTDOWN_APPLICATION).
 * - Assignment userData (leader → each member): its active and standby tasks, every instance's endpoint with the partitions
 *   it owns (for interactive queries), and an error code that all members act on.
 */

export const PROTOCOL_VERSION = 1;

/** Java's AssignorError codes. */
export const AssignorError = {
  NONE: 0,
  INCOMPLETE_SOURCE_TOPIC_METADATA: 1,
  ASSIGNMENT_ERROR: 3,
  SHUTDOWN_REQUESTED: 4,
} as const;
export type AssignorError = (typeof AssignorError)[keyof typeof AssignorError];

export interface SubscriptionInfo {
  readonly version: number;
  /** Identifies the KafkaStreams instance (several stream threads share it). */
  readonly processId: string;
  /** Task ids ("0_1") this member ran in the previous generation. */
  readonly previousTasks: readonly string[];
  /** Task ids this member kept as standby replicas (their stores are nearly current): preferred for failover. */
  readonly standbyTasks?: readonly string[];
  /** `application.server`, or '' when not set. */
  readonly endpoint: string;
  readonly errorCode: AssignorError;
}

export interface AssignmentInfo {
  readonly version: number;
  readonly activeTasks: readonly string[];
  /** Standby tasks (num.standby.replicas): keep their logged stores current from the changelogs, process nothing. */
  readonly standbyTasks?: readonly string[];
  /** endpoint → partitions ("topic-partition") owned by the instance at that endpoint. */
  readonly partitionsByHost: Readonly<Record<string, readonly string[]>>;
  /** endpoint → input partitions of the standby tasks kept at that endpoint (Java's standbyPartitionsByHost). */
  readonly standbyPartitionsByHost?: Readonly<Record<string, readonly string[]>>;
  readonly errorCode: AssignorError;
  /** Why the assignment failed, written by the leader so that every member can say it. */
  readonly errorMessage?: string;
}

export function encodeSubscriptionInfo(info: SubscriptionInfo): Buffer {
  return Buffer.from(JSON.stringify(info));
}

export function decodeSubscriptionInfo(data: Buffer, memberId: string): SubscriptionInfo {
  const parsed = parseJson(data);
  if (parsed === undefined) {
    // A member that is not Tributary (or a newer, incompatible version): give it nothing sticky.
    return { version: 0, processId: memberId, previousTasks: [], endpoint: '', errorCode: AssignorError.NONE };
  }
  return {
    version: Number(parsed.version ?? 0),
    processId: String(parsed.processId ?? memberId),
    previousTasks: Array.isArray(parsed.previousTasks) ? parsed.previousTasks.map(String) : [],
    standbyTasks: Array.isArray(parsed.standbyTasks) ? parsed.standbyTasks.map(String) : [],
    endpoint: typeof parsed.endpoint === 'string' ? parsed.endpoint : '',
    errorCode: Number(parsed.errorCode ?? 0) as AssignorError,
  };
}

export function encodeAssignmentInfo(info: AssignmentInfo): Buffer {
  return Buffer.from(JSON.stringify(info));
}

export function decodeAssignmentInfo(data: Buffer): AssignmentInfo {
  const parsed = parseJson(data);
  if (parsed === undefined) {
    return {
      version: 0,
      activeTasks: [],
      partitionsByHost: {},
      errorCode: AssignorError.ASSIGNMENT_ERROR,
      errorMessage: 'the group leader sent an assignment this instance cannot read (is another client in the group?)',
    };
  }
  return {
    version: Number(parsed.version ?? 0),
    activeTasks: Array.isArray(parsed.activeTasks) ? parsed.activeTasks.map(String) : [],
    standbyTasks: Array.isArray(parsed.standbyTasks) ? parsed.standbyTasks.map(String) : [],
    partitionsByHost: readPartitionsByHost(parsed.partitionsByHost),
    standbyPartitionsByHost: readPartitionsByHost(parsed.standbyPartitionsByHost),
    errorCode: Number(parsed.errorCode ?? 0) as AssignorError,
    errorMessage: typeof parsed.errorMessage === 'string' ? parsed.errorMessage : undefined,
  };
}

/**
 * endpoint → "topic-partition" list. Members of an older Tributary (or a damaged message) may send none or
 * something else: what is not an object of string lists is dropped, so interactive queries see no owner
 * rather than failing.
 */
function readPartitionsByHost(value: unknown): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return result;
  for (const [host, partitions] of Object.entries(value)) {
    if (Array.isArray(partitions)) result[host] = partitions.filter((p): p is string => typeof p === 'string');
  }
  return result;
}

function parseJson(data: Buffer): Record<string, any> | undefined {
  if (data.length === 0) return undefined;
  try {
    const parsed = JSON.parse(data.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
