/** The runtime scenarios on the in-process embedded broker. */
import { EmbeddedBroker } from '../kafka/embedded/embedded-broker.ts';
import { defineRuntimeScenarios } from './kafka-streams.scenarios.ts';

defineRuntimeScenarios('the embedded broker', async () => ({
  backend: new EmbeddedBroker({ groupMinSessionTimeoutMs: 500 }),
  sessionTimeoutMs: 2_000,
}));
