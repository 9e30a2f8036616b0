/**
 * Chooses the Kafka backend for a KafkaStreams client: a client for the cluster in `bootstrap.servers`, or,
 * when none is configured, the process-wide embedded broker (so an application, its tests and a demo in one
 * process see the same topics).
 */
import type { KafkaBackend } from '../kafka/backend.ts';
import { EmbeddedBroker } from '../kafka/embedded/embedded-broker.ts';
import { PlatformaticBackend } from '../kafka/platformatic/platformatic-backend.ts';
import type { ResolvedStreamsConfig } from './streams-config.ts';

let sharedBroker: EmbeddedBroker | undefined;

/** The embedded broker KafkaStreams uses when no `bootstrap.servers` is configured (created on first use). */
export function defaultEmbeddedBroker(): EmbeddedBroker {
  sharedBroker ??= new EmbeddedBroker();
  return sharedBroker;
}

export function createBackend(config: ResolvedStreamsConfig): { backend: KafkaBackend; owned: boolean } {
  if (config.bootstrapServers.length === 0) return { backend: defaultEmbeddedBroker(), owned: false };
  return {
    backend: new PlatformaticBackend({ bootstrapServers: config.bootstrapServers, clientId: config.clientId }),
    owned: true,
  };
}
