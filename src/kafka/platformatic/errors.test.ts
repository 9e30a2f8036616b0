import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MultipleErrors, NetworkError, ProtocolError, UserError } from '@platformatic/kafka';
import {
  BrokerUnreachableError,
  FencedError,
  KafkaBackendError,
  RebalanceInProgressError,
  TopicExistsError,
  UnknownTopicError,
} from '../backend.ts';
import { isRetriable } from './cluster-client.ts';
import { partitionError, toBackendError } from './errors.ts';

const context = { addresses: ['10.0.0.1:9092'], action: 'doing things', topics: ['orders'] };

describe('toBackendError', () => {
  it('maps protocol errors nested in retry chains onto the seam classes', () => {
    const nested = (id: string) => new MultipleErrors('op failed 3 times.', [new ProtocolError(id)]);
    assert.ok(toBackendError(nested('UNKNOWN_TOPIC_OR_PARTITION'), context) instanceof UnknownTopicError);
    assert.match(toBackendError(nested('UNKNOWN_TOPIC_OR_PARTITION'), context).message, /"orders"/);
    assert.ok(toBackendError(nested('TOPIC_ALREADY_EXISTS'), context) instanceof TopicExistsError);
    assert.ok(toBackendError(nested('PRODUCER_FENCED'), context) instanceof FencedError);
    assert.ok(toBackendError(nested('INVALID_PRODUCER_EPOCH'), context) instanceof FencedError);
    assert.ok(toBackendError(nested('ILLEGAL_GENERATION'), context) instanceof RebalanceInProgressError);
    assert.ok(
      toBackendError(partitionError(25, { topic: 'orders', partition: 0 }), context) instanceof
        RebalanceInProgressError,
    );
  });

  it('names the topic of the client’s "Unknown topic" error', () => {
    const error = toBackendError(new UserError('Unknown topic payments.'), context);
    assert.ok(error instanceof UnknownTopicError);
    assert.equal(error.topic, 'payments');
  });

  it('reports connection failures as BrokerUnreachableError naming the addresses', () => {
    const refused = new MultipleErrors('metadata failed 4 times.', [
      new NetworkError('Connection to 10.0.0.1:9092 failed.', {
        cause: Object.assign(new Error('ECONNREFUSED'), { syscall: 'connect' }),
      }),
    ]);
    const error = toBackendError(refused, context);
    assert.ok(error instanceof BrokerUnreachableError);
    assert.match(error.message, /10\.0\.0\.1:9092/);
    assert.ok(isRetriable(refused));
  });

  it('keeps anything else a KafkaBackendError that says what was being done', () => {
    const error = toBackendError(new ProtocolError('POLICY_VIOLATION'), context);
    assert.equal(error.constructor, KafkaBackendError);
    assert.match(error.message, /doing things failed: POLICY_VIOLATION/);
    assert.equal(isRetriable(new ProtocolError('POLICY_VIOLATION')), false);
    assert.equal(isRetriable(new ProtocolError('NOT_LEADER_OR_FOLLOWER')), true);
  });
});
