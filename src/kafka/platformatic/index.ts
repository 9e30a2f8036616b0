export type { PlatformaticBackendConfig } from './config.ts';
export { PlatformaticBackend } from './platformatic-backend.ts';
