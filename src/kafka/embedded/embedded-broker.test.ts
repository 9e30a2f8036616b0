/**
 * What the embedded broker does beyond the shared contract (backend.contract.ts): timers, limits and
 * Kafka behaviours that take too long to show on a real broker in a contract run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { roundRobinAssignor } from '../backend.contract.ts';
import {
  ConfigError,
  FencedError,
  type GroupMemberOptions,
  RebalanceInProgressError,
  UnknownTopicError,
} from '../backend.ts';
import { EmbeddedBroker } from './embedded-broker.ts';

const FAST_GROUP = { sessionTimeoutMs: 300, heartbeatIntervalMs: 30, rebalanceTimeoutMs: 1_000 };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withBroker(test: (broker: EmbeddedBroker) => Promise<void>): Promise<void> {
  const broker = new EmbeddedBroker({ groupMinSessionTimeoutMs: 100 });
  try {
    await test(broker);
  } finally {
    await broker.close();
  }
}

function member(broker: EmbeddedBroker, groupId: string, topics: string[], extra: Partial<GroupMemberOptions> = {}) {
  return broker.createGroupMember({ groupId, topics, assignor: roundRobinAssignor, ...FAST_GROUP, ...extra });
}

describe('EmbeddedBroker', () => {
  it('refuses session timeouts outside group.min/max.session.timeout.ms, naming the setting', () => {
    const broker = new EmbeddedBroker();
    assert.throws(
      () =>
        broker.createGroupMember({ groupId: 'g', topics: ['t'], assignor: roundRobinAssignor, sessionTimeoutMs: 500 }),
      (error: unknown) =>
        error instanceof ConfigError && error.key === 'sessionTimeoutMs' && /6000/.test(error.message),
    );
    assert.throws(
      () =>
        broker.createGroupMember({
          groupId: 'g',
          topics: ['t'],
          assignor: roundRobinAssignor,
          sessionTimeoutMs: 10_000,
          heartbeatIntervalMs: 10_000,
        }),
      (error: unknown) => error instanceof ConfigError && error.key === 'heartbeatIntervalMs',
    );
  });

  it('rejects bad topic names, partition counts, replication factors and config values', async () => {
    const broker = new EmbeddedBroker();
    await assert.rejects(broker.admin.createTopics([{ name: 'bad name', partitions: 1 }]), /bad name/);
    await assert.rejects(broker.admin.createTopics([{ name: 't', partitions: 0 }]), /partitions/);
    await assert.rejects(
      broker.admin.createTopics([{ name: 't', partitions: 1, replicationFactor: 3 }]),
      /replication/,
    );
    await assert.rejects(
      broker.admin.createTopics([{ name: 't', partitions: 1, configs: { 'cleanup.policy': 'shred' } }]),
      (error: unknown) => error instanceof ConfigError && error.key === 'cleanup.policy',
    );
    assert.deepEqual(await broker.admin.listTopics(), []);
  });

  it('keeps topics and committed offsets after close(), for an application restarted on the same broker', async () => {
    const broker = new EmbeddedBroker();
    await broker.admin.createTopics([{ name: 't', partitions: 1 }]);
    const producer = await broker.createProducer();
    await producer.send([{ topic: 't', partition: 0, key: null, value: Buffer.from('kept') }]);
    const app = broker.createGroupMember({ groupId: 'app', topics: ['t'], assignor: roundRobinAssignor });
    await app.join();
    await app.commitOffsets([{ topic: 't', partition: 0, offset: 1 }]);
    await broker.close();
    assert.deepEqual(await broker.admin.fetchCommittedOffsets('app'), [{ topic: 't', partition: 0, offset: 1 }]);
    assert.equal((await broker.admin.describeGroups(['app']))[0].members.length, 0, 'close() made the member leave');
    await assert.rejects(producer.send([{ topic: 't', partition: 0, key: null, value: null }]), /closed/);
    const fetcher = broker.createFetcher();
    fetcher.assign([{ topic: 't', partition: 0 }]);
    const [batch] = await fetcher.poll(100);
    assert.equal(batch.records[0].value?.toString(), 'kept');
    await broker.close();
  });

  it('a forgotten broker with a group, an open transaction and heartbeats does not keep the process alive', () => {
    const script = `
      import { EmbeddedBroker } from ${JSON.stringify(fileURLToPath(new URL('./embedded-broker.ts', import.meta.url)))};
      const broker = new EmbeddedBroker();
      await broker.admin.createTopics([{ name: 't', partitions: 2 }]);
      const member = broker.createGroupMember({ groupId: 'g', topics: ['t'], assignor: ({ members }) =>
        new Map(members.map((m) => [m.memberId, { partitions: [], userData: Buffer.alloc(0) }])) });
      await member.join();
      const producer = await broker.createProducer({ transactionalId: 'tx' });
      await producer.beginTransaction();
      await producer.send([{ topic: 't', partition: 0, key: null, value: null }]);
      console.log('ready');
    `;
    const started = performance.now();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), 'ready');
    assert.ok(performance.now() - started < 10_000, 'the process exited on its own');
  });

  it('aborts a transaction that outlives transactionTimeoutMs and fences its producer', () =>
    withBroker(async (broker) => {
      await broker.admin.createTopics([{ name: 't', partitions: 1 }]);
      const producer = await broker.createProducer({ transactionalId: 'slow', transactionTimeoutMs: 100 });
      await producer.beginTransaction();
      await producer.send([{ topic: 't', partition: 0, key: null, value: Buffer.from('late') }]);
      const [open] = await broker.admin.listOffsets([{ topic: 't', partition: 0, spec: 'latest' }], {
        isolationLevel: 'read_committed',
      });
      assert.equal(open.offset, 0, 'the open transaction holds the last stable offset back');
      await sleep(250);
      await assert.rejects(producer.commitTransaction(), (error: unknown) => {
        return error instanceof FencedError && /transaction\.timeout\.ms/.test(error.message);
      });
      const [stable] = await broker.admin.listOffsets([{ topic: 't', partition: 0, spec: 'latest' }], {
        isolationLevel: 'read_committed',
      });
      assert.equal(stable.offset, 2, 'aborted: record and marker are below the last stable offset');
      const reader = broker.createFetcher({ isolationLevel: 'read_committed' });
      reader.assign([{ topic: 't', partition: 0 }]);
      assert.deepEqual(await reader.poll(50), []);
    }));

  it('compaction drops tombstones after delete.retention.ms and never cleans past an open transaction', () =>
    withBroker(async (broker) => {
      await broker.admin.createTopics([
        { name: 'c', partitions: 1, configs: { 'cleanup.policy': 'compact', 'delete.retention.ms': '100' } },
      ]);
      const plain = await broker.createProducer();
      const transactional = await broker.createProducer({ transactionalId: 'c-tx' });
      await plain.send([
        { topic: 'c', partition: 0, key: Buffer.from('a'), value: Buffer.from('a1') },
        { topic: 'c', partition: 0, key: Buffer.from('a'), value: null },
      ]);
      await transactional.beginTransaction();
      await transactional.send([{ topic: 'c', partition: 0, key: Buffer.from('b'), value: Buffer.from('b1') }]);
      await plain.send([{ topic: 'c', partition: 0, key: Buffer.from('b'), value: Buffer.from('b2') }]);
      const read = async () => {
        const fetcher = broker.createFetcher();
        fetcher.assign([{ topic: 'c', partition: 0 }]);
        const records = (await fetcher.poll(50)).flatMap((batch) => batch.records);
        await fetcher.close();
        return records.map((r) => `${r.offset}:${r.key?.toString()}=${r.value?.toString() ?? 'null'}`);
      };
      assert.deepEqual(await read(), ['1:a=null', '2:b=b1', '3:b=b2'], 'the tombstone is kept for now');
      await sleep(150);
      assert.deepEqual(await read(), ['2:b=b1', '3:b=b2'], 'the tombstone expired; b1 is above the LSO');
      await transactional.commitTransaction();
      assert.deepEqual(await read(), ['3:b=b2'], 'after the commit, b1 is superseded');
    }));

  it('a member stuck in onRevoked beyond the rebalance timeout is dropped from the new generation', () =>
    withBroker(async (broker) => {
      await broker.admin.createTopics([{ name: 't', partitions: 2 }]);
      let lateCommit: unknown = 'not tried';
      const slow = member(broker, 'g', ['t'], {
        rebalanceTimeoutMs: 200,
        onRevoked: async () => {
          if (lateCommit !== 'not tried') return;
          await sleep(1_500);
          lateCommit = await slow.commitOffsets([{ topic: 't', partition: 0, offset: 1 }]).then(
            () => 'committed',
            (error: unknown) => error,
          );
        },
      });
      await slow.join();
      const owned = new Map<string, number>();
      const fast = member(broker, 'g', ['t'], {
        rebalanceTimeoutMs: 200,
        onAssigned: (assignment) => {
          owned.set('fast', assignment.partitions.length);
        },
      });
      const started = performance.now();
      await fast.join();
      const waited = performance.now() - started;
      assert.equal(owned.get('fast'), 2, 'the new generation went ahead without the stuck member');
      assert.ok(
        waited >= 150 && waited < 450,
        `the join waited about the rebalance timeout, not the callback: ${waited}`,
      );
      const deadline = performance.now() + 5_000;
      while (lateCommit === 'not tried' || owned.get('fast') !== 1) {
        assert.ok(performance.now() < deadline, 'the slow member came back');
        await sleep(10);
      }
      assert.ok(lateCommit instanceof RebalanceInProgressError, `the stuck member lost its generation: ${lateCommit}`);
      await Promise.all([slow.leave(), fast.leave()]);
    }));

  it('a static member restarting with the same subscription keeps its assignment without a rebalance', () =>
    withBroker(async (broker) => {
      await broker.admin.createTopics([{ name: 't', partitions: 2 }]);
      const other = member(broker, 'g', ['t']);
      await other.join();
      const first = member(broker, 'g', ['t'], { groupInstanceId: 'i1', sessionTimeoutMs: 5_000 });
      await first.join();
      const generation = first.generation()?.generationId;
      const owned = (await broker.admin.describeGroups(['g']))[0].members.find(
        (m) => m.groupInstanceId === 'i1',
      )?.assignment;
      await first.leave();
      const restarted = member(broker, 'g', ['t'], { groupInstanceId: 'i1', sessionTimeoutMs: 5_000 });
      await restarted.join();
      const assigned = (await broker.admin.describeGroups(['g']))[0].members.find(
        (m) => m.groupInstanceId === 'i1',
      )?.assignment;
      assert.equal(restarted.generation()?.generationId, generation, 'same generation: no rebalance');
      assert.equal(other.generation()?.generationId, generation);
      assert.deepEqual(assigned, owned);
      await Promise.all([restarted.leave(), other.leave()]);
    }));

  it('an assignor that throws fails join(); a later failure goes to onError and the member leaves', () =>
    withBroker(async (broker) => {
      await broker.admin.createTopics([{ name: 't', partitions: 2 }]);
      const broken = member(broker, 'g', ['t'], {
        assignor: () => {
          throw new Error('assignor exploded');
        },
      });
      await assert.rejects(broken.join(), /assignor exploded/);
      assert.equal((await broker.admin.describeGroups(['g']))[0].members.length, 0);

      const errors: Error[] = [];
      let calls = 0;
      const later = member(broker, 'g2', ['t'], {
        onError: (error) => errors.push(error),
        onAssigned: () => {
          if (++calls === 2) throw new Error('onAssigned exploded');
        },
      });
      await later.join();
      later.requestRejoin();
      const deadline = performance.now() + 5_000;
      while (errors.length === 0) {
        assert.ok(performance.now() < deadline, 'onError was called');
        await sleep(10);
      }
      assert.match(errors[0].message, /onAssigned exploded/);
      assert.equal((await broker.admin.describeGroups(['g2']))[0].members.length, 0, 'the failed member left');
    }));

  it('a member that left cannot join again', () =>
    withBroker(async (broker) => {
      await broker.admin.createTopics([{ name: 't', partitions: 1 }]);
      const once = member(broker, 'g', ['t']);
      await once.join();
      await once.leave();
      await assert.rejects(once.join(), /has left the group/);
      const never = member(broker, 'g', ['t']);
      await never.leave();
      await assert.rejects(never.join(), /left/);
    }));

  it('a poll waiting on a topic that gets deleted fails with UnknownTopicError', () =>
    withBroker(async (broker) => {
      await broker.admin.createTopics([{ name: 'gone', partitions: 1 }]);
      const fetcher = broker.createFetcher();
      fetcher.assign([{ topic: 'gone', partition: 0 }]);
      const polled = fetcher.poll(5_000);
      await sleep(20);
      await broker.admin.deleteTopics(['gone']);
      await assert.rejects(polled, (error: unknown) => error instanceof UnknownTopicError && error.topic === 'gone');
    }));

  it('poll holds a fetch below minBytes until enough arrived or maxWaitMs passed', () =>
    withBroker(async (broker) => {
      await broker.admin.createTopics([{ name: 't', partitions: 1 }]);
      const producer = await broker.createProducer();
      await producer.send([{ topic: 't', partition: 0, key: null, value: Buffer.alloc(10) }]);
      const fetcher = broker.createFetcher({ minBytes: 100 });
      fetcher.assign([{ topic: 't', partition: 0 }]);
      const started = performance.now();
      const polled = fetcher.poll(2_000);
      setTimeout(() => void producer.send([{ topic: 't', partition: 0, key: null, value: Buffer.alloc(200) }]), 100);
      const batches = await polled;
      const elapsed = performance.now() - started;
      assert.deepEqual(
        batches.flatMap((b) => b.records.map((r) => r.offset)),
        [0, 1],
      );
      assert.ok(elapsed >= 80 && elapsed < 1_500, `returned after ${elapsed} ms`);
    }));

  it('the leader leaving hands the assignor to another member', () =>
    withBroker(async (broker) => {
      await broker.admin.createTopics([{ name: 't', partitions: 3 }]);
      const leaders: string[] = [];
      const make = (name: string) =>
        member(broker, 'g', ['t'], {
          assignor: (input) => {
            leaders.push(name);
            return roundRobinAssignor(input);
          },
        });
      const a = make('a');
      await a.join();
      const b = make('b');
      await b.join();
      await a.leave();
      const deadline = performance.now() + 5_000;
      while ((await broker.admin.describeGroups(['g']))[0].state !== 'Stable' || leaders.at(-1) !== 'b') {
        assert.ok(performance.now() < deadline, `leaders so far: ${leaders}`);
        await sleep(10);
      }
      const [description] = await broker.admin.describeGroups(['g']);
      assert.equal(description.members.length, 1);
      assert.equal(description.members[0].assignment.length, 3);
      await b.leave();
    }));
});
