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

  it('fails within a bounded time with BrokerUnreachableError naming the address', { timeout: 60_000 }, async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const backend = new PlatformaticBackend({
      bootstrapServers: [address],
      connectTimeoutMs: 1000,
      retries: 2,
      retryDelayMs: 100,
    });
    const attempts: [string, () => Promise<unknown>][] = [
      ['listTopics', () => backend.admin.listTopics()],
      ['describeTopics', () => backend.admin.describeTopics(['t'])],
      ['createProducer', () => backend.createProducer()],
      ['createProducer (transactional)', () => backend.createProducer({ transactionalId: 'tx' })],
      ['join', () => backend.createGroupMember({ groupId: 'g', topics: ['t'], assignor: () => new Map() }).join()],
      [
        'poll',
        () => {
          const fetcher = backend.createFetcher();
          fetcher.assign([{ topic: 't', partition: 0 }]);
          return fetcher.poll(100);
        },
      ],
    ];
    for (const [name, attempt] of attempts) {
      const started = Date.now();
      await assert.rejects(
        attempt(),
        (e: Error) => e instanceof BrokerUnreachableError && e.message.includes(address),
        name,
      );
      assert.ok(Date.now() - started < 8_000, `${name} took ${Date.now() - started} ms`);
    }
    await backend.close();
  });

  it('gives up on a broker that accepts connections but never answers, after retries × requestTimeoutMs', {
    timeout: 60_000,
  }, async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(silent.address() as { port: number }).port}`;
    const backend = new PlatformaticBackend({
      bootstrapServers: [address],
      requestTimeoutMs: 500,
      retries: 1,
      retryDelayMs: 100,
    });
    try {
      for (const [name, attempt] of [
        ['listTopics', () => backend.admin.listTopics()],
        ['createProducer', () => backend.createProducer()],
      ] as const) {
        const started = Date.now();
        await assert.rejects(attempt(), BrokerUnreachableError, name);
        assert.ok(Date.now() - started < 10_000, `${name} took ${Date.now() - started} ms`);
      }
    } finally {
      await backend.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
