/**
 * `tributary reset`: Kafka's application reset tool (kafka-streams-application-reset) for a Tributary app, so
 * that it reprocesses its input from the beginning:
 *
 *   1. refuses while the application's consumer group has members (the app must be stopped everywhere);
 *   2. sets the group's committed offsets of every partition of the input topics to the earliest offset;
 *   3. deletes the application's internal topics (`<application.id>-...-repartition` / `-changelog`, and the
 *      foreign-key join subscription topics), which the app recreates empty.
 *
 * `--dry-run` prints what it would do and changes nothing. Local state (state.dir) is not touched, as in Java:
 * call `streams.cleanUp()` before the next start, or delete the application's state directory.
 */
import { Admin as ClientAdmin } from '@platformatic/kafka';
import { PlatformaticBackend } from '../kafka/platformatic/platformatic-backend.ts';
import { parseCommandLine } from './parse-command-line.ts';
import { UsageError } from './usage-error.ts';

export const RESET_HELP = `Usage: tributary reset --application-id ID --bootstrap-server HOST:PORT [--input-topics a,b] [--dry-run]
  Resets a stopped application: committed offsets of the input topics go to the earliest offset, and its
  internal topics (ID-...-repartition, ID-...-changelog) are deleted. Refuses while the group ID has members.
  --dry-run only prints what would be done.`;

/** The application still runs somewhere: exit code 1, like Java's tool. */
export class ApplicationActiveError extends Error {
  override name = 'ApplicationActiveError';
}

/** Java's StreamsResetter#isInternalTopic: prefixed by the application id, one of Kafka Streams' suffixes. */
export function isInternalTopic(topic: string, applicationId: string): boolean {
  return (
    topic.startsWith(`${applicationId}-`) &&
    (topic.endsWith('-changelog') ||
      topic.endsWith('-repartition') ||
      topic.endsWith('-subscription-registration-topic') ||
      topic.endsWith('-subscription-response-topic'))
  );
}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

export async function resetCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('reset', args, {
    'application-id': { type: 'string' },
    'bootstrap-server': { type: 'string' },
    'bootstrap-servers': { type: 'string' },
    'input-topics': { type: 'string' },
    'dry-run': { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    out(RESET_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' for 'tributary reset'`);
  const applicationId = values['application-id'] as string | undefined;
  if (applicationId === undefined || applicationId.trim() === '')
    throw new UsageError(`'tributary reset' needs --application-id ID\n${RESET_HELP}`);
  const bootstrap = (values['bootstrap-server'] ?? values['bootstrap-servers']) as string | undefined;
  if (bootstrap === undefined)
    throw new UsageError(`'tributary reset' needs --bootstrap-server HOST:PORT\n${RESET_HELP}`);
  const servers = bootstrap.split(',').map((s) => s.trim());
  for (const server of servers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(server))
      throw new UsageError(`--bootstrap-server must be HOST:PORT[,HOST:PORT], got '${server}'`);
  }
  const inputTopicsText = values['input-topics'] as string | undefined;
  const inputTopics = inputTopicsText === undefined ? [] : inputTopicsText.split(',').map((t) => t.trim());
  if (inputTopics.some((t) => t === ''))
    throw new UsageError(`--input-topics has an empty topic name: '${inputTopicsText}'`);
  const dryRun = values['dry-run'] === true;

  const backend = new PlatformaticBackend({
    bootstrapServers: servers,
    clientId: `tributary-reset-${applicationId}`,
    retries: 1,
  });
  const client = new ClientAdmin({
    clientId: `tributary-reset-${applicationId}`,
    bootstrapBrokers: servers,
    retries: 1,
  });
  try {
    const [group] = await backend.admin.describeGroups([applicationId]);
    if (group !== undefined && group.members.length > 0) {
      throw new ApplicationActiveError(
        `application '${applicationId}' is still active: its consumer group '${applicationId}' has ${group.members.length} member(s) (${group.members.map((m) => m.clientId).join(', ')}); stop every instance before resetting`,
      );
    }
    const existing = new Set(await backend.admin.listTopics());
    const missing = inputTopics.filter((t) => !existing.has(t));
    if (missing.length > 0) throw new UsageError(`--input-topics: topic '${missing[0]}' does not exist`);

    if (dryRun) out('----Dry run: nothing is changed----');
    if (inputTopics.length > 0) {
      const descriptions = await backend.admin.describeTopics(inputTopics);
      const partitions = descriptions.flatMap((d) =>
        d.partitions.map((p) => ({ topic: d.name, partition: p.partition })),
      );
      const earliest = await backend.admin.listOffsets(partitions.map((p) => ({ ...p, spec: 'earliest' as const })));
      out(
        `Reset-offsets for input topics [${inputTopics.join(', ')}] of consumer group '${applicationId}' to the earliest offsets:`,
      );
      partitions.forEach((p, i) => {
        out(`Topic: ${p.topic} Partition: ${p.partition} Offset: ${earliest[i].offset}`);
      });
      if (!dryRun) {
        await client.alterConsumerGroupOffsets({
          groupId: applicationId,
          topics: inputTopics.map((name) => ({
            name,
            partitionOffsets: partitions
              .map((p, i) => ({ ...p, offset: earliest[i].offset }))
              .filter((p) => p.topic === name)
              .map((p) => ({ partition: p.partition, offset: BigInt(p.offset) })),
          })),
        });
      }
    } else {
      out('No input topics specified: committed offsets are left as they are.');
    }

    const internal = [...existing].filter((t) => isInternalTopic(t, applicationId)).sort();
    out(`Deleting the internal topics of application '${applicationId}':${internal.length === 0 ? ' none' : ''}`);
    for (const topic of internal) out(`Topic: ${topic}`);
    if (!dryRun && internal.length > 0) await backend.admin.deleteTopics(internal);
    out(dryRun ? 'Done (dry run).' : 'Done.');
    return 0;
  } finally {
    await Promise.allSettled([backend.close(), client.close()]);
  }
}
