/**
 * What the dashboard page polls every second: the client's state, its threads and tasks with their partitions,
 * the topology (describe() as data and as Java's text), internal topics and the current metrics.
 */
import type { Metric } from '../metrics/metric.ts';
import type { KafkaStreams } from '../runtime/kafka-streams.ts';
import type { TaskMetadata } from '../runtime/stream-thread.ts';
import type { TopologyDescriptionJson } from '../topology/topology-description.ts';

export interface DashboardSnapshot {
  readonly timeMs: number;
  readonly state: string;
  readonly topology: TopologyDescriptionJson | null;
  readonly topologyText: string | null;
  readonly internalTopics: readonly { readonly name: string; readonly kind: string }[];
  readonly threads: readonly {
    readonly threadName: string;
    readonly threadState: string;
    readonly activeTasks: readonly TaskMetadata[];
  }[];
  readonly metrics: readonly Metric[];
}

export function dashboardSnapshot(streams: KafkaStreams): DashboardSnapshot {
  const { description, internalTopics } = streams.topologyView();
  return {
    timeMs: Date.now(),
    state: streams.state(),
    topology: description?.toJSON() ?? null,
    topologyText: description?.toString() ?? null,
    internalTopics,
    threads: streams.metadataForLocalThreads(),
    metrics: streams.metrics(),
  };
}
