import { PlatformaticBackend } from '../src/kafka/platformatic/index.ts';
import { CommittedRecordCounter } from './committed-records.ts';

/**
 * The bench's half of the sink watcher protocol (bench/tributary/output-signal.ts, OutputSignal.java):
 * polls a sink topic's end offsets until they add up to the expected output, the end of a sink run's
 * window, then the bench tells the app. Runs in the bench's process so the app's CPU figure stays its own.
 */
export class SinkWatcher {
  readonly #backend: PlatformaticBackend;
  readonly #requests: { topic: string; partition: number; spec: 'latest' }[];
  /** Under exactly_once_v2: end offsets count commit markers too, so the committed records are read instead. */
  readonly #committed: CommittedRecordCounter | undefined;
  #stopped = false;
  reached = false;

  private constructor(
    backend: PlatformaticBackend,
    requests: { topic: string; partition: number; spec: 'latest' }[],
    committed: CommittedRecordCounter | undefined,
  ) {
    this.#backend = backend;
    this.#requests = requests;
    this.#committed = committed;
  }

  /**
   * Connects before the run starts, so that the connection is not part of the measured window. With
   * `readCommitted`, counts the records a read_committed consumer sees (a transactional sink).
   */
  static async open(bootstrap: string, topic: string, options: { readCommitted?: boolean } = {}): Promise<SinkWatcher> {
    const backend = new PlatformaticBackend({ bootstrapServers: bootstrap.split(','), clientId: 'bench-sink-watcher' });
    const [description] = await backend.admin.describeTopics([topic]);
    const requests = description.partitions.map((p) => ({ topic, partition: p.partition, spec: 'latest' as const }));
    await backend.admin.listOffsets(requests);
    const committed = options.readCommitted ? await CommittedRecordCounter.open(bootstrap, topic) : undefined;
    return new SinkWatcher(backend, requests, committed);
  }

  async #outputRecords(): Promise<number> {
    if (this.#committed) return this.#committed.catchUp(Date.now() + 1000);
    const offsets = await this.#backend.admin.listOffsets(this.#requests);
    return offsets.reduce((sum, o) => sum + o.offset, 0);
  }

  /** Resolves once the sink holds `records` records, polling every 10 ms (or never, after stop()). */
  async waitFor(records: number): Promise<void> {
    while (!this.#stopped) {
      if ((await this.#outputRecords()) >= records) {
        this.reached = true;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  stop(): void {
    this.#stopped = true;
  }

  async close(): Promise<void> {
    await this.#committed?.close();
    await this.#backend.close();
  }
}
