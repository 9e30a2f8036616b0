import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type GroupAssignor,
  type GroupGeneration,
  type MemberAssignment,
  RebalanceInProgressError,
  type TopicPartition,
} from '../backend.ts';
import { PlatformaticBackend } from './platformatic-backend.ts';
import { kafkaAddress, uniqueName } from './test-support.ts';

/** Gives partitions round-robin by member id and echoes each member's userData back with its index. */
const echoAssignor: GroupAssignor = ({ members, topicPartitions }) => {
  const sorted = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
  const out = new Map<string, MemberAssignment>();
  const partitions: TopicPartition[] = [];
  for (const [topic, count] of topicPartitions)
    for (let p = 0; p < count; p++) partitions.push({ topic, partition: p });
  sorted.forEach((m, i) => {
    out.set(m.memberId, {
      partitions: partitions.filter((_, j) => j % sorted.length === i),
      userData: Buffer.from(`for:${m.userData.toString()}`),
    });
  });
  return out;
};

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('PlatformaticGroupMember on real Kafka', { skip: kafkaAddress ? false : 'no TRIBUTARY_TEST_KAFKA' }, () => {
  let backend: PlatformaticBackend;
  before(() => {
    backend = new PlatformaticBackend({ bootstrapServers: [kafkaAddress as string], clientId: 'group-test' });
  });
  after(() => backend.close());

  /** A new topic of `partitions` partitions and the one member of a new group on it, joined. */
  async function joinedMember(prefix: string, partitions: number) {
    const topic = uniqueName(prefix);
    const groupId = uniqueName(prefix);
    await backend.admin.createTopics([{ name: topic, partitions }]);
    const member = backend.createGroupMember({
      groupId,
      topics: [topic],
      assignor: echoAssignor,
      heartbeatIntervalMs: 500,
    });
    await member.join();
    return { topic, groupId, member };
  }

  it('gives two members their own assignment and userData, revoking before the rebalance', {
    timeout: 90_000,
  }, async () => {
    const topic = uniqueName('pf-group');
    const groupId = uniqueName('pf-group');
    await backend.admin.createTopics([{ name: topic, partitions: 4 }]);
    const events: string[] = [];
    const latest = new Map<string, { assignment: MemberAssignment; generation: GroupGeneration }>();
    const member = (name: string) =>
      backend.createGroupMember({
        groupId,
        topics: [topic],
        userData: () => Buffer.from(name),
        assignor: echoAssignor,
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 500,
        onRevoked: async (partitions) => {
          events.push(`${name}:revoked:${partitions.length}`);
          await new Promise((r) => setTimeout(r, 50));
        },
        onAssigned: (assignment, generation) => {
          events.push(`${name}:assigned:${assignment.partitions.length}`);
          latest.set(name, { assignment, generation });
        },
      });
    const a = member('a');
    await a.join();
    assert.equal(latest.get('a')?.assignment.partitions.length, 4);
    assert.equal(latest.get('a')?.assignment.userData.toString(), 'for:a');

    const b = member('b');
    await b.join();
    await until(
      () => latest.get('a')?.generation.generationId === latest.get('b')?.generation.generationId,
      30_000,
      'a to rejoin',
    );
    assert.ok(events.indexOf('a:revoked:4') < events.lastIndexOf('a:assigned:2'), events.join(' '));
    assert.equal(latest.get('a')?.assignment.userData.toString(), 'for:a');
    assert.equal(latest.get('b')?.assignment.userData.toString(), 'for:b');
    const owned = [
      ...(latest.get('a')?.assignment.partitions ?? []),
      ...(latest.get('b')?.assignment.partitions ?? []),
    ];
    assert.deepEqual(owned.map((p) => p.partition).sort(), [0, 1, 2, 3]);

    const [described] = await backend.admin.describeGroups([groupId]);
    assert.equal(described.state, 'Stable');
    assert.equal(described.protocol, 'tributary');
    assert.equal(described.members.length, 2);
    assert.equal(described.members.flatMap((m) => m.assignment).length, 4);

    // Commits under the current generation are visible to the admin.
    await a.commitOffsets([{ topic, partition: owned[0].partition, offset: 42 }]);
    const committed = await backend.admin.fetchCommittedOffsets(groupId);
    assert.deepEqual(committed, [{ topic, partition: owned[0].partition, offset: 42 }]);

    await b.leave();
    await until(() => latest.get('a')?.assignment.partitions.length === 4, 30_000, 'a to take all partitions back');
    await a.leave();
    await backend.admin.deleteGroups([groupId]);
  });

  it('fences transactional offsets of a stale generation, and commits after leaving', { timeout: 60_000 }, async () => {
    const { topic, member } = await joinedMember('pf-fenced', 1);
    const generation = member.generation() as GroupGeneration;
    const producer = await backend.createProducer({ transactionalId: uniqueName('stale') });
    await producer.beginTransaction();
    await producer.send([{ topic, partition: 0, key: null, value: Buffer.from('x') }]);
    // EOS v2: the offsets of a zombie generation are fenced inside the transaction.
    await assert.rejects(
      producer.sendOffsetsToTransaction([{ topic, partition: 0, offset: 1 }], {
        ...generation,
        generationId: generation.generationId + 5,
      }),
      (error: Error) => error.name === 'FencedError',
    );
    await producer.abortTransaction().catch(() => undefined);
    await producer.close();
    await member.leave();
    await assert.rejects(member.commitOffsets([{ topic, partition: 0, offset: 1 }]), RebalanceInProgressError);
  });

  it('commits consumed offsets inside a transaction with the group generation', { timeout: 60_000 }, async () => {
    const { topic, groupId, member } = await joinedMember('pf-eos', 2);
    const producer = await backend.createProducer({ transactionalId: uniqueName('eos') });
    await producer.beginTransaction();
    await producer.send([{ topic, partition: 1, key: null, value: Buffer.from('out') }]);
    await producer.sendOffsetsToTransaction(
      [
        { topic, partition: 0, offset: 7 },
        { topic, partition: 1, offset: 9 },
      ],
      member.generation() as GroupGeneration,
    );
    await producer.commitTransaction();
    // Named partitions: Kafka answers UNSTABLE_OFFSET_COMMIT (retried) until the commit markers are written.
    const committed = await backend.admin.fetchCommittedOffsets(groupId, [
      { topic, partition: 0 },
      { topic, partition: 1 },
    ]);
    assert.deepEqual(
      committed.sort((x, y) => x.partition - y.partition),
      [
        { topic, partition: 0, offset: 7 },
        { topic, partition: 1, offset: 9 },
      ],
    );
    await producer.close();
    await member.leave();
  });
});
