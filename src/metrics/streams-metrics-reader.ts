/**
 * Builds Kafka Streams' metrics from the threads' counters at read time (rates and averages come from a
 * RateMeter, so nothing is computed on the hot path). Names, groups and tags follow Kafka Streams 4.x:
 * https://kafka.apache.org/documentation/#kafka_streams_monitoring
 */
import type { Metric } from './metric.ts';
import { RateMeter } from './rate-meter.ts';
import type { ThreadMetricsView } from './thread-sensors.ts';

export interface StreamsMetricsSource {
  readonly clientId: string;
  readonly applicationId: string;
  state(): string;
  threads(): readonly ThreadMetricsView[];
}

export class StreamsMetricsReader {
  readonly #source: StreamsMetricsSource;
  readonly #meter = new RateMeter();
  readonly #startMs = Date.now();

  constructor(source: StreamsMetricsSource) {
    this.#source = source;
  }

  read(nowMs: number = Date.now()): Metric[] {
    const source = this.#source;
    const meter = this.#meter;
    const metrics: Metric[] = [];
    const threads = source.threads();
    const client = { 'client-id': source.clientId };
    const add = (
      group: string,
      name: string,
      description: string,
      tags: Record<string, string>,
      value: number | string,
    ) => metrics.push({ name, group, description, tags, value });

    add(
      'stream-metrics',
      'application-id',
      'The application ID of the Kafka Streams client',
      client,
      source.applicationId,
    );
    add('stream-metrics', 'state', 'The state of the Kafka Streams client', client, source.state());
    add(
      'stream-metrics',
      'alive-stream-threads',
      'The current number of alive stream threads that are running or participating in rebalance',
      client,
      threads.filter((t) => t.threadState !== 'DEAD' && t.threadState !== 'PENDING_SHUTDOWN').length,
    );
    add('stream-metrics', 'client-start-time-ms', 'The time the Kafka Streams client started', client, this.#startMs);

    const live = new Set<string>();
    for (const thread of threads) {
      const s = thread.sensors;
      const tid = thread.threadName;
      const tags = { 'thread-id': tid };
      const thr = 'stream-thread-metrics';
      const rate = (key: string, value: number, startMs: number) => {
        live.add(key);
        return meter.rate(key, value, startMs, nowMs);
      };
      add(thr, 'thread-state', 'The state of the thread', tags, thread.threadState);
      add(thr, 'thread-start-time', 'The time that the thread was started', tags, s.startMs);
      add(thr, 'process-total', 'The total number of calls to process', tags, thread.processedTotal);
      add(
        thr,
        'process-rate',
        'The average per-second number of calls to process',
        tags,
        rate(`${tid}/process`, thread.processedTotal, s.startMs),
      );
      add(thr, 'poll-total', 'The total number of calls to poll', tags, s.pollTotal);
      add(
        thr,
        'poll-rate',
        'The average per-second number of calls to poll',
        tags,
        rate(`${tid}/poll`, s.pollTotal, s.startMs),
      );
      add(thr, 'commit-total', 'The total number of calls to commit', tags, s.commitTotal);
      add(
        thr,
        'commit-rate',
        'The average per-second number of calls to commit',
        tags,
        rate(`${tid}/commit`, s.commitTotal, s.startMs),
      );
      live.add(`${tid}/commit-latency#sum`);
      live.add(`${tid}/commit-latency#count`);
      add(
        thr,
        'commit-latency-avg',
        'The average commit latency in ms',
        tags,
        meter.average(`${tid}/commit-latency`, s.commitLatencyTotalMs, s.commitTotal, s.startMs, nowMs),
      );
      add(thr, 'commit-latency-max', 'The maximum commit latency in ms', tags, s.commitLatencyMaxMs);
      add(thr, 'punctuate-total', 'The total number of calls to punctuate', tags, s.punctuateTotal);
      add(
        thr,
        'punctuate-rate',
        'The average per-second number of calls to punctuate',
        tags,
        rate(`${tid}/punctuate`, s.punctuateTotal, s.startMs),
      );
      add(
        thr,
        'blocked-time-ns-total',
        'The total time the thread spent blocked on Kafka in ns',
        tags,
        Math.round(s.blockedTimeMsTotal * 1e6),
      );

      for (const task of thread.tasks) {
        const taskTags = { 'thread-id': tid, 'task-id': task.taskId };
        const grp = 'stream-task-metrics';
        const key = `${tid}/${task.taskId}`;
        add(grp, 'process-total', 'The total number of records processed by the task', taskTags, task.processed);
        add(
          grp,
          'process-rate',
          'The average number of records processed by the task per second',
          taskTags,
          rate(`${key}/process`, task.processed, task.startMs),
        );
        add(grp, 'dropped-records-total', 'The total number of records dropped by the task', taskTags, task.dropped);
        add(
          grp,
          'dropped-records-rate',
          'The average number of records dropped by the task per second',
          taskTags,
          rate(`${key}/dropped`, task.dropped, task.startMs),
        );
        for (const store of task.stores) {
          const storeTags = {
            'thread-id': tid,
            'task-id': task.taskId,
            [`${store.persistent ? 'lmdb' : 'in-memory'}-state-id`]: store.name,
          };
          const restored = s.restoredByStore.get(store.name) ?? 0;
          add(
            'stream-state-metrics',
            'restore-total',
            'The total number of records restored into the store (thread-wide for this store name)',
            storeTags,
            restored,
          );
          add(
            'stream-state-metrics',
            'restore-rate',
            'The average number of records restored per second',
            storeTags,
            rate(`${tid}/${store.name}/restore`, restored, s.startMs),
          );
          for (const [operation, counter] of s.storeOperations.get(task.taskId)?.get(store.name) ?? []) {
            add(
              'stream-state-metrics',
              `${operation}-rate`,
              `The average number of calls to ${operation} per second`,
              storeTags,
              rate(`${key}/${store.name}/${operation}`, counter.calls, task.startMs),
            );
          }
        }
      }
      for (const p of thread.lag) {
        const lagTags = { 'client-id': `${tid}-consumer`, topic: p.topic, partition: String(p.partition) };
        add(
          'consumer-fetch-manager-metrics',
          'records-lag',
          'The latest lag of the partition (high watermark minus position)',
          lagTags,
          p.lag,
        );
      }
    }
    // Tasks moved away and threads replaced: drop their samples.
    this.#meter.retain((key) => live.has(key.replace(/#(sum|count)$/, '')) || live.has(key));
    return metrics;
  }
}
