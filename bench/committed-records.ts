import type { Fetcher, TopicPartition } from '../src/kafka/backend.ts';
import { PlatformaticBackend } from '../src/kafka/platformatic/index.ts';

/**
 * Counts the records a transactional sink topic holds as a read_committed consumer sees them. Under
 * exactly_once_v2 the end offsets also count commit markers (one per transaction and partition) and
 * aborted records, so they overstate the output; only reading the topic proves what was committed.
 * Reads incrementally: each {@link catchUp} continues where the last one stopped.
 */
export class CommittedRecordCounter {
  readonly #backend: PlatformaticBackend;
  readonly #fetcher: Fetcher;
  readonly #partitions: readonly TopicPartition[];
  #count = 0;

  private constructor(backend: PlatformaticBackend, fetcher: Fetcher, partitions: readonly TopicPartition[]) {
    this.#backend = backend;
    this.#fetcher = fetcher;
    this.#partitions = partitions;
  }

  static async open(bootstrap: string, topic: string): Promise<CommittedRecordCounter> {
    const backend = new PlatformaticBackend({
      bootstrapServers: bootstrap.split(','),
      clientId: 'bench-committed-records',
    });
    try {
      const [description] = await backend.admin.describeTopics([topic]);
      const partitions = description.partitions.map((p) => ({ topic, partition: p.partition }));
      const fetcher = backend.createFetcher({ isolationLevel: 'read_committed', autoOffsetReset: 'earliest' });
      fetcher.assign(partitions);
      return new CommittedRecordCounter(backend, fetcher, partitions);
    } catch (error) {
      await backend.close();
      throw error;
    }
  }

  /** The committed records read so far. */
  get count(): number {
    return this.#count;
  }

  /**
   * Reads on up to the last stable offset of every partition as of now, and returns the committed records
   * read so far. Stops at `deadline` (epoch ms) with what it has.
   */
  async catchUp(deadline: number): Promise<number> {
    const stable = await this.#backend.admin.listOffsets(
      this.#partitions.map((p) => ({ ...p, spec: 'latest' as const })),
      { isolationLevel: 'read_committed' },
    );
    const behind = () =>
      stable.some(
        (s) => s.offset > 0 && (this.#fetcher.position({ topic: s.topic, partition: s.partition }) ?? -1) < s.offset,
      );
    while (behind() && Date.now() < deadline) {
      for (const batch of await this.#fetcher.poll(Math.max(1, Math.min(200, deadline - Date.now())))) {
        this.#count += batch.records.length;
      }
    }
    return this.#count;
  }

  async close(): Promise<void> {
    await this.#fetcher.close();
    await this.#backend.close();
  }
}

/** The committed records of a topic, read from its start (bounded by `timeoutMs`). */
export async function committedSinkRecords(bootstrap: string, topic: string, timeoutMs = 60_000): Promise<number> {
  const counter = await CommittedRecordCounter.open(bootstrap, topic);
  try {
    return await counter.catchUp(Date.now() + timeoutMs);
  } finally {
    await counter.close();
  }
}
