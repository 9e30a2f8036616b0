/**
 * Decides what happens after a stream thread died of an error (Java's `StreamsUncaughtExceptionHandler`,
 * set with `KafkaStreams.setUncaughtExceptionHandler`):
 * - REPLACE_THREAD: start a new stream thread in its place (its tasks are reassigned and their stores restored);
 * - SHUTDOWN_CLIENT: stop this instance (state ERROR);
 * - SHUTDOWN_APPLICATION: stop every instance of the application; the request travels to the others through the
 *   group's rebalance (an error code in the assignment), as in Kafka Streams.
 */
export const StreamThreadExceptionResponse = {
  REPLACE_THREAD: 'REPLACE_THREAD',
  SHUTDOWN_CLIENT: 'SHUTDOWN_CLIENT',
  SHUTDOWN_APPLICATION: 'SHUTDOWN_APPLICATION',
} as const;
export type StreamThreadExceptionResponse =
  (typeof StreamThreadExceptionResponse)[keyof typeof StreamThreadExceptionResponse];

export type StreamsUncaughtExceptionHandler = (error: Error) => StreamThreadExceptionResponse;
