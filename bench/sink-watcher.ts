import { PlatformaticBackend } from '../src/kafka/platformatic/index.ts';

/**
 * The bench's half of the sink watcher protocol (bench/tributary/output-signal.ts, OutputSignal.java):
 * polls a sink topic's end offsets until they add up to the expected output, the end of a sink run's
 * window, then the bench tells the app. Runs in the bench's process so the app's CPU figure stays its own.
 */
export class SinkWatcher {
  readonly #backend: PlatformaticBackend;
  readonly #requests: { topic: string; partition: number; spec: 'latest' }[];
  #stopped = false;
  reached = false;

  private constructor(backend: PlatformaticBackend, requests: { topic: string; partition: number; spec: 'latest' }[]) {
    this.#backend = backend;
    this.#requests = requests;
  }

  /** Connects before the run starts, so that the connection is not part of the measured window. */
  static async open(bootstrap: string, topic: string): Promise<SinkWatcher> {
    const backend = new PlatformaticBackend({ bootstrapServers: bootstrap.split(','), clientId: 'bench-sink-watcher' });
    const [description] = await backend.admin.describeTopics([topic]);
    const requests = description.partitions.map((p) => ({ topic, partition: p.partition, spec: 'latest' as const }));
    await backend.admin.listOffsets(requests);
    return new SinkWatcher(backend, requests);
  }

  /** Resolves once the sink holds `records` records, polling every 10 ms (or never, after stop()). */
  async waitFor(records: number): Promise<void> {
    while (!this.#stopped) {
      const offsets = await this.#backend.admin.listOffsets(this.#requests);
      if (offsets.reduce((sum, o) => sum + o.offset, 0) >= records) {
        this.reached = true;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  stop(): void {
    this.#stopped = true;
  }

  close(): Promise<void> {
    return this.#backend.close();
  }
}
