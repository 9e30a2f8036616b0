/**
 * Runs the KafkaBackend contract against the embedded broker always, and against real Kafka (the
 * PlatformaticBackend) when TRIBUTARY_TEST_KAFKA names a broker.
 */
import { test } from 'node:test';
import { runBackendContract } from './backend.contract.ts';
import { EmbeddedBroker } from './embedded/embedded-broker.ts';

// Crash tests use short session timeouts; the embedded broker allows them when told to (Kafka's minimum is 6 s).
runBackendContract('embedded', () => new EmbeddedBroker({ groupMinSessionTimeoutMs: 100 }));

const kafka = process.env.TRIBUTARY_TEST_KAFKA;
if (kafka) {
  const { PlatformaticBackend } = await import('./platformatic/index.ts');
  runBackendContract('kafka', () => new PlatformaticBackend({ bootstrapServers: kafka.split(',') }));
} else {
  test('KafkaBackend contract: kafka', (t) => t.skip('no TRIBUTARY_TEST_KAFKA'));
}
