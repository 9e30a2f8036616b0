/**
 * The `tributary` command (bin/tributary.js runs this under a Node that strips types).
 * Errors the user can fix are printed as one line without a stack trace.
 */
import { KafkaHarnessError } from '../harness/kafka-cluster.ts';
import { KafkaBackendError } from '../kafka/backend.ts';
import { describeCommand } from './describe-command.ts';
import { KAFKA_HELP, kafkaCommand } from './kafka-command.ts';
import { MetricsFetchError, metricsCommand } from './metrics-command.ts';
import { ApplicationActiveError, resetCommand } from './reset-command.ts';
import { UsageError } from './usage-error.ts';

const HELP = `Tributary: Kafka Streams for TypeScript.

Usage:
  tributary kafka start [--nodes 1|3] [--port auto|N] [--detach]   a local Apache Kafka, no Docker
  tributary kafka stop --dir DIR
  tributary kafka fetch
  tributary describe <module> [--export NAME]     print describe() of the topology a module exports
  tributary metrics <url>                         metrics of a running app, from its StreamsDashboard
  tributary reset --application-id ID --bootstrap-server HOST:PORT [--input-topics a,b] [--dry-run]
                                                  reprocess from the start (Kafka's application reset tool)
  tributary --help

${KAFKA_HELP.split('\n').slice(5).join('\n')}`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'kafka':
        return await kafkaCommand(rest);
      case 'describe':
        return await describeCommand(rest);
      case 'metrics':
        return await metricsCommand(rest);
      case 'reset':
        return await resetCommand(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${HELP}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(
          `unknown command '${command}' (commands: kafka, describe, metrics, reset; see 'tributary --help')`,
        );
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`tributary: ${error.message}\n`);
      return 2;
    }
    if (
      error instanceof ApplicationActiveError ||
      error instanceof MetricsFetchError ||
      error instanceof KafkaBackendError
    ) {
      process.stderr.write(`tributary: ${error.message}\n`);
      return 1;
    }
    if (error instanceof KafkaHarnessError) {
      // The harness's own lines (the cause) were already printed as they came; the first line sums up.
      process.stderr.write(`tributary: ${error.message.split('\n')[0].replace(/:$/, '')}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
