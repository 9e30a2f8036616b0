/**
 * Tributary's real Kafka backend (the only code that imports @platformatic/kafka):
 *
 * ```ts
 * const backend = new PlatformaticBackend({ bootstrapServers: ['127.0.0.1:9092'] });
 * ```
 */
export type { PlatformaticBackendConfig } from './config.ts';
export { PlatformaticBackend } from './platformatic-backend.ts';
