/**
 * A separate process running one instance of the counting fixture against real Kafka, for tests that kill or
 * signal it. Usage: node counting-instance.ts '<json {bootstrap, applicationId, input, output, sessionTimeoutMs}>'.
 * Prints "RUNNING" once the instance runs, and closes gracefully (final commit) on SIGTERM / SIGINT.
 */
import { KafkaStreams } from '../kafka-streams.ts';
import { countingTopology } from './fixture-topologies.ts';

const options = JSON.parse(process.argv[2]) as {
  bootstrap: string;
  applicationId: string;
  input: string;
  output: string;
  sessionTimeoutMs: number;
  commitIntervalMs?: number;
};
const streams = new KafkaStreams(
  countingTopology({ applicationId: options.applicationId, sourceTopics: [options.input], sinkTopic: options.output }),
  {
    'application.id': options.applicationId,
    'bootstrap.servers': options.bootstrap,
    'commit.interval.ms': options.commitIntervalMs ?? 200,
    'poll.ms': 50,
    'session.timeout.ms': options.sessionTimeoutMs,
    'heartbeat.interval.ms': 200,
  },
);
streams.closeOnSignals();
streams.on('stateChange', (next) => {
  if (next === 'RUNNING') console.log('RUNNING');
});
await streams.start();
