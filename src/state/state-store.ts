/**
 * The base of every state store (Java's `StateStore`). A store belongs to one task; the task initializes,
 * flushes and closes it.
 */
export interface StateStore {
  readonly name: string;
  /** True for stores that survive a restart on disk (in-memory stores: false). */
  readonly persistent: boolean;
  isOpen(): boolean;
}
