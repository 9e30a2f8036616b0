/**
 * The application's state directory (Java's StateDirectory): `<state.dir>/<application.id>`, with one
 * directory per task (`0_1/`) holding its persistent stores and its `.checkpoint`.
 *
 * Locking: the first task with a persistent store locks the application directory for this KafkaStreams
 * instance (a `.lock` file naming the process id). A second instance of the same application with the same
 * state.dir, in this process or another one on the machine, fails with an error naming the directory instead
 * of sharing (and corrupting) the stores. A lock left by a process that died is taken over.
 *
 * Inside one instance, a task can move from one stream thread to another in a rebalance while the first
 * still holds it suspended: `claimTask` has the first close it (and release its files) before the second
 * opens it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StreamsException } from '../errors/streams-exception.ts';

/** Application directories locked by an instance in this process. */
const lockedInProcess = new Set<string>();

export class StateDirectory {
  readonly applicationDirectory: string;
  #locked = false;
  readonly #holders = new Map<string, { owner: object; release: () => Promise<void> }>();
  readonly #closing = new Map<string, Promise<void>>();

  constructor(stateDir: string, applicationId: string) {
    this.applicationDirectory = resolve(stateDir, applicationId);
  }

  taskDirectory(taskId: string): string {
    return join(this.applicationDirectory, taskId);
  }

  checkpointFile(taskId: string): string {
    return join(this.taskDirectory(taskId), '.checkpoint');
  }

  get lockFile(): string {
    return join(this.applicationDirectory, '.lock');
  }

  isLocked(): boolean {
    return this.#locked;
  }

  /** Locks the application directory for this instance (idempotent); throws naming the directory if it is in use. */
  lock(): void {
    if (this.#locked) return;
    const directory = this.applicationDirectory;
    if (lockedInProcess.has(directory)) {
      throw new StreamsException(
        `state directory "${directory}" is in use by another KafkaStreams instance in this process ` +
          '(same application.id and state.dir): give each instance its own state.dir',
      );
    }
    mkdirSync(directory, { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.lockFile, `${process.pid}\n`, { flag: 'wx' });
        this.#locked = true;
        lockedInProcess.add(directory);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = lockHolder(this.lockFile);
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
        throw new StreamsException(
          `state directory "${directory}" is locked by process ${holder} (another instance of application ` +
            `"${directory.split('/').at(-1)}" on this machine): give each instance its own state.dir`,
        );
      }
      // Left by a process that died (or by an instance of this process that was never closed): take it over.
      rmSync(this.lockFile, { force: true });
    }
    throw new StreamsException(`state directory "${directory}": could not create its lock file "${this.lockFile}"`);
  }

  unlock(): void {
    if (!this.#locked) return;
    this.#locked = false;
    lockedInProcess.delete(this.applicationDirectory);
    try {
      unlinkSync(this.lockFile);
    } catch {
      // Already gone (cleanUp): nothing to release.
    }
  }

  /** Deletes the application's state directory (Java's KafkaStreams#cleanUp); refuses while another instance holds it. */
  cleanUp(): void {
    const wasLocked = this.#locked;
    if (!existsSync(this.applicationDirectory)) return;
    this.lock();
    try {
      rmSync(this.applicationDirectory, { recursive: true, force: true });
    } finally {
      if (!wasLocked) this.unlock();
    }
  }

  /**
   * Makes `owner` (a stream thread) the holder of a task's directory: a thread of this instance that still
   * holds the task is asked to close it first, and a close still releasing the files is awaited.
   */
  async claimTask(taskId: string, owner: object, release: () => Promise<void>): Promise<void> {
    const holder = this.#holders.get(taskId);
    if (holder !== undefined && holder.owner !== owner) await holder.release();
    await this.#closing.get(taskId);
    this.#holders.set(taskId, { owner, release });
  }

  /** The owner closed its task; `closed` resolves once the task's stores released their files. */
  releaseTask(taskId: string, owner: object, closed: Promise<void>): void {
    if (this.#holders.get(taskId)?.owner === owner) this.#holders.delete(taskId);
    const done: Promise<void> = closed
      .catch(() => {})
      .finally(() => {
        if (this.#closing.get(taskId) === done) this.#closing.delete(taskId);
      });
    this.#closing.set(taskId, done);
  }

  /** Resolves once every closed task released its files. */
  async whenTasksClosed(): Promise<void> {
    await Promise.all(this.#closing.values());
  }
}

function lockHolder(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
