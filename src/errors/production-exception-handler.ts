/**
 * Decides what happens when a record could not be written to Kafka (Java's `ProductionExceptionHandler`,
 * config `production.exception.handler`): CONTINUE drops the record and goes on, FAIL stops the stream thread
 * (the uncaught exception handler then decides).
 */
import type { OutgoingRecord } from '../processor/internals/task-contract.ts';

export const ProductionExceptionHandlerResponse = {
  CONTINUE: 'CONTINUE',
  FAIL: 'FAIL',
} as const;
export type ProductionExceptionHandlerResponse =
  (typeof ProductionExceptionHandlerResponse)[keyof typeof ProductionExceptionHandlerResponse];

export interface ProductionErrorContext {
  /** The task that produced the record, e.g. "0_1". */
  readonly taskId: string;
}

export interface ProductionExceptionHandler {
  handle(context: ProductionErrorContext, record: OutgoingRecord, error: Error): ProductionExceptionHandlerResponse;
}

/** The default: fail on every production error (Java's `DefaultProductionExceptionHandler`). */
export const failOnProductionError: ProductionExceptionHandler = {
  handle: () => ProductionExceptionHandlerResponse.FAIL,
};

/** Logs and drops records that could not be written. */
export const logAndContinueOnProductionError: ProductionExceptionHandler = {
  handle: (context, record, error) => {
    console.warn(`tributary: dropped a record for topic "${record.topic}" of task ${context.taskId}: ${error.message}`);
    return ProductionExceptionHandlerResponse.CONTINUE;
  },
};
