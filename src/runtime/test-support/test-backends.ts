/**
 * The backends a broker-based test runs on: always the embedded broker, and real Kafka when
 * TRIBUTARY_TEST_KAFKA names one (`npm test` starts it). Each `open()` gives a fresh client (or broker).
 */
import type { KafkaBackend } from '../../kafka/backend.ts';
import { TopicExistsError, UnknownTopicError } from '../../kafka/backend.ts';
import { EmbeddedBroker } from '../../kafka/embedded/embedded-broker.ts';
import { PlatformaticBackend } from '../../kafka/platformatic/platformatic-backend.ts';

export interface TestBackend {
  readonly label: string;
  /** Lowest session.timeout.ms the broker accepts. */
  readonly sessionTimeoutMs: number;
  /** undefined: not available here (skip). */
  open(): KafkaBackend | undefined;
}

export const testBackends: readonly TestBackend[] = [
  {
    label: 'the embedded broker',
    sessionTimeoutMs: 2_000,
    open: () => new EmbeddedBroker({ groupMinSessionTimeoutMs: 500 }),
  },
  {
    label: 'real Kafka',
    sessionTimeoutMs: 6_000,
    open: () => {
      const address = process.env.TRIBUTARY_TEST_KAFKA;
      return address ? new PlatformaticBackend({ bootstrapServers: [address] }) : undefined;
    },
  },
];

/**
 * Creates topics with fixed names (the examples' own), deleting earlier copies first so that a reused broker
 * starts empty. Kafka deletes asynchronously, so creation is retried for a while.
 */
export async function recreateTopics(backend: KafkaBackend, topics: readonly [string, number][]): Promise<void> {
  const names = topics.map(([name]) => name);
  const existing = new Set(await backend.admin.listTopics());
  const stale = names.filter((name) => existing.has(name));
  if (stale.length > 0)
    await backend.admin
      .deleteTopics(stale)
      .catch((e) => (e instanceof UnknownTopicError ? undefined : Promise.reject(e)));
  const deadline = Date.now() + 30_000;
  for (const [name, partitions] of topics) {
    for (;;) {
      try {
        await backend.admin.createTopics([{ name, partitions, replicationFactor: 1 }]);
        break;
      } catch (error) {
        if (!(error instanceof TopicExistsError) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}
