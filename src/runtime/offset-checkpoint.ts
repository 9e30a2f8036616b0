/**
 * A task's `.checkpoint` file (Java's OffsetCheckpoint): for each changelog partition of its persistent
 * stores, the offset of the last changelog record the store on disk holds. A restarted task restores from
 * the next offset instead of the whole changelog. Same text layout as Java's:
 *
 *   0                      (version)
 *   2                      (number of entries)
 *   app-counts-changelog 0 41
 *   app-other-changelog 0 7
 *
 * Written to a temporary file, synced, then renamed over the old one, so a crash leaves the old or the new
 * checkpoint, never half of one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { StreamsException } from '../errors/streams-exception.ts';
import { type TopicPartitionOffset, topicPartitionKey } from '../kafka/backend.ts';

const VERSION = 0;

/** Checkpointed offsets by topic-partition key; empty when the file does not exist. */
export function readOffsetCheckpoint(file: string): Map<string, TopicPartitionOffset> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const lines = text.split('\n').filter((line) => line.length > 0);
  const bad = (why: string) => new StreamsException(`checkpoint file "${file}" is malformed: ${why}`);
  if (Number(lines[0]) !== VERSION) throw bad(`unknown version "${lines[0]}"`);
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count !== lines.length - 2) throw bad(`expected ${lines[1]} entries`);
  const offsets = new Map<string, TopicPartitionOffset>();
  for (const line of lines.slice(2)) {
    const parts = line.split(' ');
    const offset = Number(parts.at(-1));
    const partition = Number(parts.at(-2));
    const topic = parts.slice(0, -2).join(' ');
    if (topic.length === 0 || !Number.isInteger(partition) || !Number.isInteger(offset)) throw bad(`line "${line}"`);
    const entry = { topic, partition, offset };
    offsets.set(topicPartitionKey(entry), entry);
  }
  return offsets;
}

export function writeOffsetCheckpoint(file: string, offsets: Iterable<TopicPartitionOffset>): void {
  const entries = [...offsets];
  const text = [VERSION, entries.length, ...entries.map((e) => `${e.topic} ${e.partition} ${e.offset}`)].join('\n');
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, `${text}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}

export function deleteOffsetCheckpoint(file: string): void {
  rmSync(file, { force: true });
}
