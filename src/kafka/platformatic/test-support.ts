import { randomUUID } from 'node:crypto';

/** The broker of the real-Kafka tests, or undefined (those tests then skip). */
export const kafkaAddress: string | undefined = process.env.TRIBUTARY_TEST_KAFKA || undefined;

/** A name no other test (or helper sharing the dev broker) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
