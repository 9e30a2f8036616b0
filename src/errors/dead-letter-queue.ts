/**
 * Dead-letter-queue records (Kafka Streams' KIP-1034): the original key and value bytes of the failed source
 * record, with the error and the record's origin in headers, sent to `errors.dead.letter.queue.topic.name`.
 */
import type { RecordHeader } from '../kafka/backend.ts';
import type { OutgoingRecord } from '../processor/internals/task-contract.ts';
import type { ErrorHandlerContext } from './error-handler-context.ts';

export const DLQ_HEADER_EXCEPTION = '__streams.errors.exception';
export const DLQ_HEADER_MESSAGE = '__streams.errors.message';
export const DLQ_HEADER_STACKTRACE = '__streams.errors.stacktrace';
export const DLQ_HEADER_TOPIC = '__streams.errors.topic';
export const DLQ_HEADER_PARTITION = '__streams.errors.partition';
export const DLQ_HEADER_OFFSET = '__streams.errors.offset';

function header(key: string, value: string): RecordHeader {
  return { key, value: Buffer.from(value, 'utf8') };
}

export function buildDeadLetterQueueRecord(
  deadLetterQueueTopic: string,
  context: ErrorHandlerContext,
  error: unknown,
): OutgoingRecord {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    topic: deadLetterQueueTopic,
    key: context.sourceRawKey,
    value: context.sourceRawValue,
    timestamp: context.timestamp >= 0 ? context.timestamp : Date.now(),
    headers: [
      ...context.headers,
      header(DLQ_HEADER_EXCEPTION, err.name),
      header(DLQ_HEADER_MESSAGE, err.message),
      header(DLQ_HEADER_STACKTRACE, err.stack ?? ''),
      header(DLQ_HEADER_TOPIC, context.topic ?? ''),
      header(DLQ_HEADER_PARTITION, String(context.partition)),
      header(DLQ_HEADER_OFFSET, String(context.offset)),
    ],
  };
}
