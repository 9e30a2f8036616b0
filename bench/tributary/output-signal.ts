import { createInterface } from 'node:readline';

/**
 * The app's half of the sink watcher protocol (see bench/sink-watcher.ts): once it has processed its whole
 * input, a sink app prints `{"event":"processed"}` and waits for the bench to write `output-complete` on
 * its stdin, which the bench does once the sink topic holds the whole output. The watching happens in the
 * bench's process, so its polling is not counted as the app's CPU.
 */
export async function awaitOutputComplete(timeoutMs: number): Promise<boolean> {
  process.stdout.write(`${JSON.stringify({ event: 'processed' })}\n`);
  const lines = createInterface({ input: process.stdin });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      new Promise<boolean>((resolve) => {
        lines.on('line', (line) => {
          if (line.trim() === 'output-complete') resolve(true);
        });
        lines.on('close', () => resolve(false));
      }),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    lines.close();
  }
}
