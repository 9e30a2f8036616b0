/**
 * A separate process running the suppressed session count against real Kafka, for tests that kill it.
 * Usage: node final-session-counts-instance.ts '<json {bootstrap, applicationId, input, output, sessionTimeoutMs,
 * guarantee}>'. Prints "RUNNING" once the instance runs.
 */
import { KafkaStreams } from '../../runtime/kafka-streams.ts';
import type { ProcessingGuarantee } from '../../runtime/streams-config.ts';
import { finalSessionCounts } from './final-session-counts.ts';

const options = JSON.parse(process.argv[2]!) as {
  bootstrap: string;
  applicationId: string;
  input: string;
  output: string;
  sessionTimeoutMs: number;
  guarantee: ProcessingGuarantee;
};
const streams = new KafkaStreams(finalSessionCounts(options.input, options.output), {
  'application.id': options.applicationId,
  'bootstrap.servers': options.bootstrap,
  'processing.guarantee': options.guarantee,
  'poll.ms': 50,
  'session.timeout.ms': options.sessionTimeoutMs,
  'heartbeat.interval.ms': 200,
});
streams.closeOnSignals();
streams.on('stateChange', (next) => {
  if (next === 'RUNNING') console.log('RUNNING');
});
await streams.start();
