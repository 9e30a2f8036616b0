/**
 * The open/closed life of one segmented persistent store's LMDB environment (window and session stores): opened
 * at init, read through `db()` only while open, closed once, with the promises the runtime awaits before it
 * checkpoints (`whenWritten`) or reopens the directory (`whenClosed`).
 */
import type { RootDatabase } from 'lmdb';
import { type LmdbStoreEnvironment, openLmdbStoreEnvironment } from './lmdb-store-environment.ts';
import type { StoreInitContext } from './store-init-context.ts';

export class OpenedLmdbStore {
  /** What the store is, for errors: e.g. `window store`. */
  readonly #what: string;
  readonly #name: string;
  #env: LmdbStoreEnvironment | undefined;
  #open = false;
  #closed: Promise<void> = Promise.resolve();

  constructor(what: string, name: string) {
    this.#what = what;
    this.#name = name;
  }

  get directory(): string {
    return this.#env?.directory ?? '';
  }

  get isOpen(): boolean {
    return this.#open;
  }

  open(context: StoreInitContext): void {
    this.#env = openLmdbStoreEnvironment(context, this.#name, this.#what);
    this.#open = true;
  }

  db(): RootDatabase<Buffer, Buffer> {
    if (this.#env === undefined || !this.#open) throw new Error(`${this.#what} "${this.#name}" is not open`);
    return this.#env.db;
  }

  whenWritten(): Promise<void> {
    if (this.#env === undefined || !this.#open) return Promise.resolve();
    return this.#env.whenWritten();
  }

  /** Closes the environment; false when it was not open (nothing to do). */
  close(): boolean {
    if (!this.#open) return false;
    this.#open = false;
    const env = this.#env;
    this.#closed = env === undefined ? Promise.resolve() : env.close();
    return true;
  }

  whenClosed(): Promise<void> {
    return this.#closed;
  }
}
