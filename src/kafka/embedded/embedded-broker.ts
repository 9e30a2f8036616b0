import type {
  Admin,
  Fetcher,
  FetcherOptions,
  GroupMemberOptions,
  KafkaBackend,
  Producer,
  ProducerOptions,
} from '../backend.ts';
import { BrokerState, type EmbeddedBrokerOptions } from './broker-state.ts';
import { EmbeddedAdmin } from './embedded-admin.ts';
import { EmbeddedFetcher } from './embedded-fetcher.ts';
import { EmbeddedGroupMember } from './embedded-group-member.ts';
import { EmbeddedProducer } from './embedded-producer.ts';

export type { EmbeddedBrokerOptions };

/**
 * An in-process, in-memory Kafka broker behind the same seam as a real cluster: topics and partitions, offsets,
 * CreateTime/LogAppendTime timestamps, headers, DeleteRecords, compaction of `cleanup.policy=compact` topics
 * (applied when read), consumer groups with Kafka's classic join/sync protocol, session timeouts and static
 * membership, and transactions with read_committed visibility and producer fencing. Topics are never
 * auto-created: producing to or fetching from a missing topic fails with {@link UnknownTopicError}.
 *
 * Several applications in one process may share one broker (each creates its own clients). `close()` closes
 * the clients created so far but keeps the data: topics, committed offsets and groups survive, so an
 * application restarted on the same broker finds them, as it would on a real cluster.
 *
 * As with the real backend, a subscribed topic that appears or disappears does not by itself start a rebalance
 * (a Java consumer's leader would notice at its next metadata refresh); a member calls requestRejoin() for that.
 *
 * Background timers (heartbeats, session and transaction timeouts) are unref'd: a forgotten broker does not
 * keep the process alive.
 */
export class EmbeddedBroker implements KafkaBackend {
  readonly kind = 'embedded' as const;
  readonly admin: Admin;
  readonly #state: BrokerState;

  constructor(options: EmbeddedBrokerOptions = {}) {
    this.#state = new BrokerState(options);
    this.admin = new EmbeddedAdmin(this.#state);
  }

  async createProducer(options: ProducerOptions = {}): Promise<Producer> {
    return this.#state.track(new EmbeddedProducer(this.#state, options));
  }

  createFetcher(options: FetcherOptions = {}): Fetcher {
    return this.#state.track(new EmbeddedFetcher(this.#state, options));
  }

  /** The member also has a test-only `crash()` (see {@link EmbeddedGroupMember.crash}). */
  createGroupMember(options: GroupMemberOptions): EmbeddedGroupMember {
    return this.#state.track(new EmbeddedGroupMember(this.#state, options));
  }

  /** Closes every client created so far. Topics, records, groups and committed offsets stay. */
  close(): Promise<void> {
    return this.#state.closeClients();
  }
}
