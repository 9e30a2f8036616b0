import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { Metric } from './metric.ts';
import { formatPrometheus, prometheusHandler } from './prometheus.ts';

const metric = (
  name: string,
  value: number | string,
  tags: Record<string, string>,
  group = 'stream-thread-metrics',
): Metric => ({
  name,
  group,
  description: `about ${name}\nsecond line`,
  tags,
  value,
});

describe('formatPrometheus', () => {
  it('groups samples of one name under one HELP/TYPE, turns dashes into underscores and escapes labels', () => {
    const text = formatPrometheus([
      metric('process-rate', 12.5, { 'thread-id': 'a-1' }),
      metric('poll-total', 3, { 'thread-id': 'a-1' }),
      metric('process-rate', 0, { 'thread-id': 'b "quoted" \\ x' }),
      metric('state', 'RUNNING', { 'client-id': 'c' }, 'stream-metrics'),
      metric('records-lag', Number.NaN, { topic: 't', partition: '0' }, 'consumer-fetch-manager-metrics'),
    ]);
    assert.equal(
      text,
      [
        '# HELP kafka_streams_stream_thread_metrics_process_rate about process-rate\\nsecond line',
        '# TYPE kafka_streams_stream_thread_metrics_process_rate gauge',
        'kafka_streams_stream_thread_metrics_process_rate{thread_id="a-1"} 12.5',
        'kafka_streams_stream_thread_metrics_process_rate{thread_id="b \\"quoted\\" \\\\ x"} 0',
        '# HELP kafka_streams_stream_thread_metrics_poll_total about poll-total\\nsecond line',
        '# TYPE kafka_streams_stream_thread_metrics_poll_total gauge',
        'kafka_streams_stream_thread_metrics_poll_total{thread_id="a-1"} 3',
        '# HELP kafka_streams_stream_metrics_state_info about state\\nsecond line',
        '# TYPE kafka_streams_stream_metrics_state_info gauge',
        'kafka_streams_stream_metrics_state_info{client_id="c",value="RUNNING"} 1',
        '# HELP kafka_streams_consumer_fetch_manager_metrics_records_lag about records-lag\\nsecond line',
        '# TYPE kafka_streams_consumer_fetch_manager_metrics_records_lag gauge',
        'kafka_streams_consumer_fetch_manager_metrics_records_lag{topic="t",partition="0"} NaN',
        '',
      ].join('\n'),
    );
  });

  it('is served by prometheusHandler with the exposition content type, read at each request', async () => {
    let calls = 0;
    const server = createServer(prometheusHandler(() => [metric('poll-total', ++calls, { 'thread-id': 't' })]));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      const first = await fetch(url);
      assert.equal(first.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      assert.match(await first.text(), /poll_total\{thread_id="t"\} 1$/m);
      assert.match(await (await fetch(url)).text(), /poll_total\{thread_id="t"\} 2$/m);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
