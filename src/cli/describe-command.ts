/**
 * `tributary describe <module> [--export NAME]`: imports a module and prints describe() of the topology it
 * exports, exactly as Kafka Streams prints it. The module may export a Topology, a StreamsBuilder, or a function
 * without parameters returning one of them (e.g. `buildWordCountTopology`); the default export is tried first.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCommandLine } from './parse-command-line.ts';
import { UsageError } from './usage-error.ts';

export const DESCRIBE_HELP = `Usage: tributary describe <module> [--export NAME]
  Prints describe() of the topology a module exports: a Topology, a StreamsBuilder, or a function without
  parameters returning one, whose name says topology or build (the default export first, then the others;
  --export picks one by name).`;

interface Describable {
  describe(): { toString(): string };
}

const isTopology = (value: unknown): value is Describable =>
  typeof value === 'object' && value !== null && typeof (value as Describable).describe === 'function';
const isBuilder = (value: unknown): value is { build(): unknown } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { build: unknown }).build === 'function' &&
  typeof (value as { stream: unknown }).stream === 'function';

/** The topology behind one export, or undefined when the export is not one (nor builds one). */
function topologyOf(value: unknown, callFunctions: boolean): Describable | undefined {
  if (isTopology(value)) return value;
  if (isBuilder(value)) {
    const built = value.build();
    return isTopology(built) ? built : undefined;
  }
  if (
    callFunctions &&
    typeof value === 'function' &&
    value.length === 0 &&
    !/^class[\s{]/.test(Function.prototype.toString.call(value))
  ) {
    const made = (value as () => unknown)();
    return isTopology(made) || isBuilder(made) ? topologyOf(made, false) : undefined;
  }
  return undefined;
}

export async function describeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('describe', args, {
    export: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${DESCRIBE_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(`'tributary describe' needs one <module>, got ${positionals.length}\n${DESCRIBE_HELP}`);
  const file = resolve(positionals[0]);
  if (!existsSync(file)) throw new UsageError(`<module> '${positionals[0]}' does not exist (looked at ${file})`);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const wanted = values.export as string | undefined;
  let names = Object.keys(module).sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : 0));
  if (wanted !== undefined) {
    if (!(wanted in module))
      throw new UsageError(
        `--export '${wanted}': ${positionals[0]} exports ${Object.keys(module).join(', ') || 'nothing'}`,
      );
    names = [wanted];
  }
  for (const name of names) {
    // Functions are called only when named so (or picked with --export): a module may export `main` too.
    const topology = topologyOf(
      module[name],
      wanted !== undefined || name === 'default' || /topology|builder|build/i.test(name),
    );
    if (topology !== undefined) {
      process.stdout.write(`${topology.describe().toString().trimEnd()}\n`);
      return 0;
    }
  }
  throw new UsageError(
    `${wanted !== undefined ? `export '${wanted}' of ` : ''}${positionals[0]} gives no Topology or StreamsBuilder (exports: ${Object.keys(module).join(', ') || 'none'})`,
  );
}
