import { ConfigError } from '../backend.ts';

/** How to reach the cluster. Only `bootstrapServers` is required. */
export interface PlatformaticBackendConfig {
  /** `host:port` pairs, e.g. `['127.0.0.1:9092']`. */
  readonly bootstrapServers: readonly string[];
  readonly clientId?: string;
  /** How long one TCP connect may take before the attempt fails. Default 3000. */
  readonly connectTimeoutMs?: number;
  /** How long one request may wait for its response. Default 30000. */
  readonly requestTimeoutMs?: number;
  /** Retries of a failed request (connect failures included) before giving up. Default 3. */
  readonly retries?: number;
  /** Pause between retries. Default 250. */
  readonly retryDelayMs?: number;
}

export interface ResolvedConfig {
  readonly bootstrapServers: readonly string[];
  readonly clientId: string;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
}

const HOST_PORT = /^(?:\[[0-9a-fA-F:.]+\]|[^\s:/]+):(\d{1,5})$/;

function positiveNumber(key: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(key, `must be a positive number of milliseconds, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Checks every value up front so that a typo fails at construction, naming the key, not at first use. */
export function resolveConfig(config: PlatformaticBackendConfig): ResolvedConfig {
  if (config === null || typeof config !== 'object') {
    throw new ConfigError('bootstrapServers', 'the backend needs a config object with bootstrapServers');
  }
  const servers: unknown = config.bootstrapServers;
  if (!Array.isArray(servers)) {
    throw new ConfigError(
      'bootstrapServers',
      `must be an array of "host:port" strings, got ${JSON.stringify(servers)}`,
    );
  }
  if (servers.length === 0) {
    throw new ConfigError('bootstrapServers', 'must name at least one "host:port"');
  }
  for (const server of servers) {
    const match = typeof server === 'string' ? HOST_PORT.exec(server.trim()) : null;
    const port = match ? Number(match[1]) : 0;
    if (!match || port < 1 || port > 65535) {
      throw new ConfigError('bootstrapServers', `${JSON.stringify(server)} is not a "host:port" address`);
    }
  }
  const clientId: unknown = config.clientId ?? 'tributary';
  if (typeof clientId !== 'string' || clientId.length === 0) {
    throw new ConfigError('clientId', `must be a non-empty string, got ${JSON.stringify(clientId)}`);
  }
  const retries: unknown = config.retries ?? 3;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0) {
    throw new ConfigError('retries', `must be a non-negative integer, got ${JSON.stringify(retries)}`);
  }
  const retryDelayMs: unknown = config.retryDelayMs ?? 250;
  if (typeof retryDelayMs !== 'number' || !Number.isFinite(retryDelayMs) || retryDelayMs < 0) {
    throw new ConfigError(
      'retryDelayMs',
      `must be a non-negative number of milliseconds, got ${JSON.stringify(retryDelayMs)}`,
    );
  }
  return {
    bootstrapServers: (servers as string[]).map((s) => s.trim()),
    clientId,
    connectTimeoutMs: positiveNumber('connectTimeoutMs', config.connectTimeoutMs, 3000),
    requestTimeoutMs: positiveNumber('requestTimeoutMs', config.requestTimeoutMs, 30000),
    retries,
    retryDelayMs,
  };
}
