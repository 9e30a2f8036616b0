/** node:util parseArgs with errors that name the flag and the command, as UsageError (exit code 2). */
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.ts';

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

export function parseCommandLine<T extends OptionSpec>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown)
      throw new UsageError(`unknown option ${unknown[1]} for 'tributary ${command}' (see 'tributary --help')`);
    throw new UsageError(`${message.replace(/\. To specify.*$/s, '')} (tributary ${command})`);
  }
}
