import type {
  Fetcher,
  FetcherOptions,
  GroupMember,
  GroupMemberOptions,
  KafkaBackend,
  Producer,
  ProducerOptions,
} from '../backend.ts';
import { KafkaBackendError } from '../backend.ts';
import { PlatformaticAdmin } from './admin.ts';
import { type PlatformaticBackendConfig, type ResolvedConfig, resolveConfig } from './config.ts';
import { PlatformaticFetcher } from './fetcher.ts';
import { PlatformaticGroupMember } from './group-member.ts';
import { PlatformaticProducer } from './producer.ts';

/**
 * The real Kafka behind Tributary's seam, on @platformatic/kafka's connections and protocol codecs. Each
 * producer, fetcher and group member gets its own connections, so a long-polling fetch never delays a
 * heartbeat or a produce.
 */
export class PlatformaticBackend implements KafkaBackend {
  readonly kind = 'kafka' as const;
  readonly admin: PlatformaticAdmin;
  readonly config: ResolvedConfig;
  readonly #closeables = new Set<{ close(): Promise<void> } | { leave(): Promise<void> }>();
  #closed = false;

  constructor(config: PlatformaticBackendConfig) {
    this.config = resolveConfig(config);
    this.admin = new PlatformaticAdmin(this.config);
  }

  #checkOpen(what: string): void {
    if (this.#closed) throw new KafkaBackendError(`cannot create a ${what}: the Kafka backend is closed`);
  }

  async createProducer(options?: ProducerOptions): Promise<Producer> {
    this.#checkOpen('producer');
    const producer = await PlatformaticProducer.create(this.config, options);
    this.#closeables.add(producer);
    return producer;
  }

  createFetcher(options?: FetcherOptions): Fetcher {
    this.#checkOpen('fetcher');
    const fetcher = new PlatformaticFetcher(this.config, options);
    this.#closeables.add(fetcher);
    return fetcher;
  }

  createGroupMember(options: GroupMemberOptions): GroupMember {
    this.#checkOpen('group member');
    const member = new PlatformaticGroupMember(this.config, options);
    this.#closeables.add(member);
    return member;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#closeables].map((c) => ('leave' in c ? c.leave() : c.close())));
    this.#closeables.clear();
    await this.admin.close();
  }
}
