/**
 * Decides what happens when a consumed record's key or value cannot be deserialized (Java's
 * `DeserializationExceptionHandler`, config `deserialization.exception.handler`). Built in: fail (the
 * default), log and continue, and either of them also sending the record to a dead-letter queue when
 * `errors.dead.letter.queue.topic.name` is set.
 */
import { buildDeadLetterQueueRecord } from './dead-letter-queue.ts';
import type { ErrorHandlerContext } from './error-handler-context.ts';
import type { HandlerResponse, HandlerResult } from './handler-response.ts';

export const DeserializationHandlerResponse = {
  CONTINUE: 'CONTINUE',
  FAIL: 'FAIL',
} as const;
export type DeserializationHandlerResponse = HandlerResult;

export interface DeserializationExceptionHandler {
  configure?(config: Readonly<Record<string, unknown>>): void;
  handle(context: ErrorHandlerContext, error: Error): HandlerResult | HandlerResponse;
}

abstract class DeadLetterQueueAware {
  protected deadLetterQueueTopic: string | undefined;
  configure(config: Readonly<Record<string, unknown>>): void {
    const topic = config['errors.dead.letter.queue.topic.name'];
    this.deadLetterQueueTopic = typeof topic === 'string' && topic.length > 0 ? topic : undefined;
  }
  protected respond(result: HandlerResult, context: ErrorHandlerContext, error: Error): HandlerResponse {
    if (this.deadLetterQueueTopic === undefined) return { result };
    return { result, deadLetterQueueRecords: [buildDeadLetterQueueRecord(this.deadLetterQueueTopic, context, error)] };
  }
}

/** Stops processing on the first record that cannot be deserialized (the default). */
export class LogAndFailExceptionHandler extends DeadLetterQueueAware implements DeserializationExceptionHandler {
  handle(context: ErrorHandlerContext, error: Error): HandlerResponse {
    console.error(
      `tributary: could not deserialize the record at ${context.topic}-${context.partition} offset ${context.offset} (task ${context.taskId}): ${error.message}`,
    );
    return this.respond('FAIL', context, error);
  }
}

/** Logs and skips records that cannot be deserialized. */
export class LogAndContinueExceptionHandler extends DeadLetterQueueAware implements DeserializationExceptionHandler {
  handle(context: ErrorHandlerContext, error: Error): HandlerResponse {
    console.warn(
      `tributary: skipped the record at ${context.topic}-${context.partition} offset ${context.offset} (task ${context.taskId}), it could not be deserialized: ${error.message}`,
    );
    return this.respond('CONTINUE', context, error);
  }
}
