import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { BrokerUnreachableError, ConfigError } from '../backend.ts';
import { PlatformaticBackend } from './platformatic-backend.ts';

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('PlatformaticBackend configuration', () => {
  it('rejects bad config values with a ConfigError naming the key', () => {
    const cases: [unknown, string][] = [
      [{ bootstrapServers: '127.0.0.1:9092' }, 'bootstrapServers'],
      [{ bootstrapServers: [] }, 'bootstrapServers'],
      [{ bootstrapServers: [''] }, 'bootstrapServers'],
      [{ bootstrapServers: ['localhost'] }, 'bootstrapServers'],
      [{ bootstrapServers: ['localhost:99999'] }, 'bootstrapServers'],
      [{ bootstrapServers: ['localhost:9092'], clientId: '' }, 'clientId'],
      [{ bootstrapServers: ['localhost:9092'], connectTimeoutMs: -1 }, 'connectTimeoutMs'],
      [{ bootstrapServers: ['localhost:9092'], requestTimeoutMs: Number.NaN }, 'requestTimeoutMs'],
      [{ bootstrapServers: ['localhost:9092'], retries: 1.5 }, 'retries'],
    ];
    for (const [config, key] of cases) {
      assert.throws(
        () => new PlatformaticBackend(config as never),
        (e: Error) => e instanceof ConfigError && e.key === key && e.message.includes(key),
        JSON.stringify(config),
      );
    }
  });

  it('rejects a negative fetcher option with a ConfigError naming it', async () => {
    const backend = new PlatformaticBackend({ bootstrapServers: ['127.0.0.1:9'] });
    assert.throws(
      () => backend.createFetcher({ maxWaitMs: -5 }),
      (e: Error) => e instanceof ConfigError && e.key === 'maxWaitMs',
    );
    await backend.close();
  });

  it('fails within a bounded time with BrokerUnreachableError naming the address', { timeout: 30_000 }, async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const backend = new PlatformaticBackend({
      bootstrapServers: [address],
      connectTimeoutMs: 1000,
      retries: 2,
      retryDelayMs: 100,
    });
    const started = Date.now();
    for (const attempt of [
      () => backend.admin.listTopics(),
      () => backend.createProducer(),
      () => backend.admin.describeTopics(['t']),
    ]) {
      await assert.rejects(attempt(), (e: Error) => e instanceof BrokerUnreachableError && e.message.includes(address));
    }
    const fetcher = backend.createFetcher();
    fetcher.assign([{ topic: 't', partition: 0 }]);
    await assert.rejects(fetcher.poll(100), BrokerUnreachableError);
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    await backend.close();
  });
});
