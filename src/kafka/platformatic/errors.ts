import { protocolErrorsCodesById } from '@platformatic/kafka';
import {
  BrokerUnreachableError,
  FencedError,
  KafkaBackendError,
  RebalanceInProgressError,
  TopicExistsError,
  UnknownTopicError,
} from '../backend.ts';

/**
 * Maps @platformatic/kafka's error trees (MultipleErrors / ResponseError wrapping ProtocolError, NetworkError,
 * TimeoutError) onto the seam's error classes, so nothing above the seam ever sees a client-specific error.
 */

interface ErrorLike {
  message?: string;
  code?: string;
  apiId?: string;
  errors?: unknown[];
  cause?: unknown;
}

/** Every error in the tree (depth first), the root included. */
export function flattenErrors(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown): void => {
    if (!e || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const err = e as ErrorLike;
    out.push(err);
    if (Array.isArray(err.errors)) for (const inner of err.errors) visit(inner);
    visit(err.cause);
  };
  visit(error);
  return out;
}

/** Kafka protocol error names (e.g. 'NOT_LEADER_OR_FOLLOWER') found anywhere in the error tree. */
export function protocolErrorIds(error: unknown): Set<string> {
  const ids = new Set<string>();
  for (const e of flattenErrors(error)) if (typeof e.apiId === 'string') ids.add(e.apiId);
  return ids;
}

export function hasProtocolError(error: unknown, ...ids: string[]): boolean {
  const found = protocolErrorIds(error);
  return ids.some((id) => found.has(id));
}

/** True when the tree holds a connection failure or timeout and no answer from a broker. */
export function isNetworkError(error: unknown): boolean {
  let network = false;
  for (const e of flattenErrors(error)) {
    if (e.code === 'PLT_KFK_NETWORK' || e.code === 'PLT_KFK_TIMEOUT') network = true;
    if (typeof (e as { syscall?: unknown }).syscall === 'string') network = true;
  }
  return network;
}

const FENCING = ['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_NOT_FOUND', 'FENCED_INSTANCE_ID'];
const GENERATION_LOST = ['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS', 'FENCED_MEMBER_EPOCH'];

export function isGenerationLost(error: unknown): boolean {
  return hasProtocolError(error, ...GENERATION_LOST);
}

/** What an error is about, so its message can name the thing. */
export interface ErrorContext {
  readonly addresses: readonly string[];
  /** e.g. 'creating topics "a", "b"' */
  readonly action: string;
  readonly topics?: readonly string[];
}

function describe(error: unknown): string {
  const messages: string[] = [];
  for (const e of flattenErrors(error)) {
    const text = e.apiId ? `${e.apiId}` : e.message;
    if (text && !messages.includes(text)) messages.push(text);
  }
  return messages.slice(0, 6).join('; ');
}

/** Translates any error thrown by the client into a {@link KafkaBackendError} that names what failed. */
export function toBackendError(error: unknown, context: ErrorContext): KafkaBackendError {
  if (error instanceof KafkaBackendError) return error;
  const ids = protocolErrorIds(error);
  if (ids.has('UNKNOWN_TOPIC_OR_PARTITION') || ids.has('UNKNOWN_TOPIC_ID')) {
    return new UnknownTopicError(context.topics?.[0] ?? 'unknown', context.action);
  }
  for (const e of flattenErrors(error)) {
    const match = e.message ? /^Unknown topic (.+)\.$/.exec(e.message) : null;
    if (match) return new UnknownTopicError(match[1], context.action);
  }
  if (ids.has('TOPIC_ALREADY_EXISTS')) return new TopicExistsError(context.topics?.[0] ?? 'unknown');
  if (FENCING.some((id) => ids.has(id))) {
    return new FencedError(`${context.action}: fenced by a newer instance (${describe(error)})`, { cause: error });
  }
  if (GENERATION_LOST.some((id) => ids.has(id))) {
    return new RebalanceInProgressError(`${context.action}: the group rebalanced (${describe(error)})`, {
      cause: error,
    });
  }
  if (flattenErrors(error).some((e) => (e as { closed?: unknown }).closed === true)) {
    return new KafkaBackendError(`${context.action}: the client was closed`, { cause: error });
  }
  if (ids.size === 0 && isNetworkError(error)) return new BrokerUnreachableError(context.addresses, error);
  return new KafkaBackendError(`${context.action} failed: ${describe(error)}`, { cause: error });
}

const PROTOCOL_ERROR_NAMES = protocolErrorsCodesById as Record<number, string>;

/** A per-partition error code as an error carrying `apiId`, so it maps like the client's own errors. */
export function partitionError(code: number, where: { topic: string; partition: number }): Error {
  const id = PROTOCOL_ERROR_NAMES[code] ?? `ERROR_${code}`;
  return Object.assign(new Error(`${id} on "${where.topic}" partition ${where.partition}`), {
    apiId: id,
    apiCode: code,
  });
}
