import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../kafka/backend.ts';
import { resolveStreamsConfig } from './streams-config.ts';

describe('StreamsConfig', () => {
  it('fills in Kafka Streams defaults', () => {
    const config = resolveStreamsConfig({ 'application.id': 'app' });
    assert.equal(config.commitIntervalMs, 30000);
    assert.equal(config.numStreamThreads, 1);
    assert.equal(config.bufferedRecordsPerPartition, 1000);
    assert.equal(config.processingGuarantee, 'at_least_once');
    assert.deepEqual(config.bootstrapServers, []);
    assert.equal(config.values['poll.ms'], 100);
  });

  it('checks application.server is host:port with a real port, naming the key and the value', () => {
    for (const ok of ['', 'localhost:7070', '10.0.0.1:1', 'app-0.svc.cluster.local:65535', '[::1]:8080']) {
      assert.equal(resolveStreamsConfig({ 'application.id': 'a', 'application.server': ok }).applicationServer, ok);
    }
    for (const bad of [
      'localhost',
      'localhost:0',
      'localhost:65536',
      ':7070',
      'host:70x',
      'http://host:7070',
      '::1:80',
    ]) {
      assert.throws(
        () => resolveStreamsConfig({ 'application.id': 'a', 'application.server': bad }),
        (error: Error) =>
          error instanceof ConfigError &&
          error.message.includes('"application.server"') &&
          error.message.includes(JSON.stringify(bad)) &&
          error.message.includes('host:port'),
        bad,
      );
    }
  });

  it('uses a 100 ms commit interval under exactly_once_v2', () => {
    assert.equal(
      resolveStreamsConfig({ 'application.id': 'a', 'processing.guarantee': 'exactly_once_v2' }).commitIntervalMs,
      100,
    );
  });

  it('accepts numbers given as strings, as in a properties file', () => {
    const config = resolveStreamsConfig({
      'application.id': 'a',
      'commit.interval.ms': '250',
      'bootstrap.servers': 'h1:9092, h2:9093',
    });
    assert.equal(config.commitIntervalMs, 250);
    assert.deepEqual(config.bootstrapServers, ['h1:9092', 'h2:9093']);
  });

  it('requires application.id', () => {
    assert.throws(
      () => resolveStreamsConfig({} as never),
      (e: ConfigError) => e instanceof ConfigError && e.key === 'application.id',
    );
  });

  it('names an unknown key and suggests the close one', () => {
    assert.throws(
      () => resolveStreamsConfig({ 'application.id': 'a', 'commit.intervall.ms': 5 } as never),
      (e: ConfigError) => e.key === 'commit.intervall.ms' && /did you mean "commit.interval.ms"/.test(e.message),
    );
  });

  it('names the key of a bad value', () => {
    assert.throws(
      () => resolveStreamsConfig({ 'application.id': 'a', 'num.stream.threads': 0 }),
      (e: ConfigError) => e.key === 'num.stream.threads' && /at least 1/.test(e.message),
    );
    assert.throws(
      () => resolveStreamsConfig({ 'application.id': 'a', 'commit.interval.ms': 'soon' }),
      (e: ConfigError) => e.key === 'commit.interval.ms',
    );
    assert.throws(
      () => resolveStreamsConfig({ 'application.id': 'a b' }),
      (e: ConfigError) => e.key === 'application.id',
    );
    assert.throws(
      () => resolveStreamsConfig({ 'application.id': 'a', 'bootstrap.servers': 'nohost' }),
      (e: ConfigError) => e.key === 'bootstrap.servers' && /"nohost"/.test(e.message),
    );
    assert.throws(
      () => resolveStreamsConfig({ 'application.id': 'a', 'processing.guarantee': 'exactly_once' as never }),
      (e: ConfigError) => e.key === 'processing.guarantee',
    );
  });

  it('passes prefixed client and topic settings through; topic.* applies to internal topics', () => {
    const config = resolveStreamsConfig({
      'application.id': 'a',
      'topic.min.insync.replicas': '2',
      'producer.linger.ms': 5,
    });
    assert.deepEqual(config.topicConfigs, { 'min.insync.replicas': '2' });
    assert.equal(config.values['producer.linger.ms'], 5);
  });
});
