import { PlatformaticBackend } from '../src/kafka/platformatic/index.ts';

/**
 * How many records a sink topic holds (sum of its partitions' end offsets): proof that a workload wrote
 * its whole output, not only that it counted its input.
 */
export async function sinkRecords(bootstrap: string, topic: string): Promise<number> {
  const backend = new PlatformaticBackend({ bootstrapServers: bootstrap.split(','), clientId: 'bench-sink-check' });
  try {
    const [description] = await backend.admin.describeTopics([topic]);
    const offsets = await backend.admin.listOffsets(
      description.partitions.map((p) => ({ topic, partition: p.partition, spec: 'latest' as const })),
    );
    return offsets.reduce((sum, o) => sum + o.offset, 0);
  } finally {
    await backend.close();
  }
}
