/**
 * What a deserialization or processing handler decides: CONTINUE (skip the record) or FAIL (stop the task,
 * the uncaught-error handler then decides), optionally with records for a dead-letter queue.
 */
import type { OutgoingRecord } from '../processor/internals/task-contract.ts';

export const HandlerResult = {
  CONTINUE: 'CONTINUE',
  FAIL: 'FAIL',
} as const;
export type HandlerResult = (typeof HandlerResult)[keyof typeof HandlerResult];

export interface HandlerResponse {
  readonly result: HandlerResult;
  readonly deadLetterQueueRecords?: readonly OutgoingRecord[];
}

export function normalizeResponse(response: HandlerResult | HandlerResponse): HandlerResponse {
  if (response === 'CONTINUE' || response === 'FAIL') return { result: response };
  if (response && (response.result === 'CONTINUE' || response.result === 'FAIL')) return response;
  throw new TypeError(`an exception handler must return "CONTINUE" or "FAIL" (or { result }), got ${String(response)}`);
}

/** Accepts a handler instance or a class (made with `new`), and hands it the config when it wants one. */
export function instantiateHandler<H extends object>(
  configured: unknown,
  configKey: string,
  config: Readonly<Record<string, unknown>>,
  fallback: () => H,
): H {
  let handler: unknown = configured;
  if (configured === undefined || configured === null) handler = fallback();
  else if (typeof configured === 'function') handler = new (configured as new () => H)();
  if (
    handler === null ||
    typeof handler !== 'object' ||
    typeof (handler as { handle?: unknown }).handle !== 'function'
  ) {
    throw new TypeError(`config "${configKey}" must be a handler (an object with a handle method, or its class)`);
  }
  (handler as { configure?(config: Readonly<Record<string, unknown>>): void }).configure?.(config);
  return handler as H;
}
