/** The runtime scenarios on real Kafka (TRIBUTARY_TEST_KAFKA); skipped when no broker is given. */
import { PlatformaticBackend } from '../kafka/platformatic/platformatic-backend.ts';
import { defineRuntimeScenarios } from './kafka-streams.scenarios.ts';

defineRuntimeScenarios('real Kafka', async () => {
  const address = process.env.TRIBUTARY_TEST_KAFKA;
  if (!address) return undefined;
  return { backend: new PlatformaticBackend({ bootstrapServers: [address] }), sessionTimeoutMs: 6_000 };
});
