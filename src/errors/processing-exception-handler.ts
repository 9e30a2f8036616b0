/**
 * Decides what happens when a processor throws while processing a record (Java's
 * `ProcessingExceptionHandler`, config `processing.exception.handler`): FAIL (the default) stops the task,
 * CONTINUE drops the record at the failing processor and goes on with the next one. With
 * `errors.dead.letter.queue.topic.name` set, the built-ins also send the source record there.
 */
import type { Record } from '../processor/record.ts';
import { buildDeadLetterQueueRecord } from './dead-letter-queue.ts';
import type { ErrorHandlerContext } from './error-handler-context.ts';
import type { HandlerResponse, HandlerResult } from './handler-response.ts';

export const ProcessingHandlerResponse = {
  CONTINUE: 'CONTINUE',
  FAIL: 'FAIL',
} as const;
export type ProcessingHandlerResponse = HandlerResult;

export interface ProcessingExceptionHandler {
  configure?(config: Readonly<globalThis.Record<string, unknown>>): void;
  handle(context: ErrorHandlerContext, record: Record<unknown, unknown>, error: Error): HandlerResult | HandlerResponse;
}

abstract class DeadLetterQueueAware {
  protected deadLetterQueueTopic: string | undefined;
  configure(config: Readonly<globalThis.Record<string, unknown>>): void {
    const topic = config['errors.dead.letter.queue.topic.name'];
    this.deadLetterQueueTopic = typeof topic === 'string' && topic.length > 0 ? topic : undefined;
  }
  protected respond(result: HandlerResult, context: ErrorHandlerContext, error: Error): HandlerResponse {
    if (this.deadLetterQueueTopic === undefined) return { result };
    return { result, deadLetterQueueRecords: [buildDeadLetterQueueRecord(this.deadLetterQueueTopic, context, error)] };
  }
}

export class LogAndFailProcessingExceptionHandler extends DeadLetterQueueAware implements ProcessingExceptionHandler {
  handle(context: ErrorHandlerContext, _record: Record<unknown, unknown>, error: Error): HandlerResponse {
    console.error(
      `tributary: processor "${context.processorNodeId}" of task ${context.taskId} failed on the record from ${context.topic}-${context.partition} offset ${context.offset}: ${error.message}`,
    );
    return this.respond('FAIL', context, error);
  }
}

export class LogAndContinueProcessingExceptionHandler
  extends DeadLetterQueueAware
  implements ProcessingExceptionHandler
{
  handle(context: ErrorHandlerContext, _record: Record<unknown, unknown>, error: Error): HandlerResponse {
    console.warn(
      `tributary: processor "${context.processorNodeId}" of task ${context.taskId} skipped the record from ${context.topic}-${context.partition} offset ${context.offset}: ${error.message}`,
    );
    return this.respond('CONTINUE', context, error);
  }
}
