import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { BrokerUnreachableError, type ConfigError } from '../kafka/backend.ts';
import { defaultEmbeddedBroker } from './create-backend.ts';
import { KafkaStreams } from './kafka-streams.ts';
import { passThroughTopology } from './test-support/fixture-topologies.ts';
import { produceStrings, readTopic, uniqueName } from './test-support/runtime-harness.ts';

const topology = () => passThroughTopology({ applicationId: 'app', sourceTopics: ['in'], sinkTopic: 'out' });

describe('KafkaStreams (no broker needed)', () => {
  it('rejects a bad config at construction, naming the key', () => {
    assert.throws(
      () => new KafkaStreams(topology(), { 'application.id': 'app', 'num.stream.thread': 2 } as never),
      (e: ConfigError) => e.key === 'num.stream.thread',
    );
    assert.throws(
      () => new KafkaStreams(topology(), { 'application.id': 'app', 'production.exception.handler': 42 }),
      (e: ConfigError) => e.key === 'production.exception.handler',
    );
  });

  it('builds a DSL topology in the constructor, so topology mistakes throw at once', () => {
    assert.throws(() => new KafkaStreams(new StreamsBuilder().build(), { 'application.id': 'app' }), /empty/);
  });

  it('runs on the process-wide embedded broker when no bootstrap.servers and no backend are given', async () => {
    const broker = defaultEmbeddedBroker();
    const [input, output, app] = [uniqueName('in'), uniqueName('out'), uniqueName('app')];
    await broker.admin.createTopics([
      { name: input, partitions: 1 },
      { name: output, partitions: 1 },
    ]);
    await produceStrings(broker, input, 1, [{ key: 'k', value: 'hello' }]);
    const streams = new KafkaStreams(
      passThroughTopology({ applicationId: app, sourceTopics: [input], sinkTopic: output }),
      {
        'application.id': app,
      },
    );
    await streams.start();
    const out = await readTopic(broker, output, 1, (r) => r.length >= 1);
    assert.equal(out[0].value!.toString(), 'hello');
    await streams.close();
  });

  it('fails start() within seconds when the broker is unreachable, naming the address, and ends in ERROR', async () => {
    const streams = new KafkaStreams(topology(), { 'application.id': 'app', 'bootstrap.servers': '127.0.0.1:1' });
    const started = Date.now();
    await assert.rejects(
      streams.start(),
      (e: Error) => e instanceof BrokerUnreachableError && e.message.includes('127.0.0.1:1'),
    );
    assert.ok(Date.now() - started < 30_000);
    assert.equal(streams.state(), 'ERROR');
  });

  it('close() before start() goes straight to NOT_RUNNING; cleanUp() removes the state directory only when stopped', async () => {
    const stateDir = join(tmpdir(), `tributary-state-${process.pid}`);
    mkdirSync(join(stateDir, 'app', '0_0'), { recursive: true });
    const streams = new KafkaStreams(topology(), { 'application.id': 'app', 'state.dir': stateDir });
    const states: string[] = [];
    streams.setStateListener((next) => states.push(next));
    streams.cleanUp();
    assert.equal(existsSync(join(stateDir, 'app')), false);
    assert.equal(await streams.close(), true);
    assert.deepEqual(states, ['PENDING_SHUTDOWN', 'NOT_RUNNING']);
    await assert.rejects(streams.start(), /cannot start a KafkaStreams in state NOT_RUNNING/);
  });
});
