/**
 * A table update (Java's `Change`): the new value and, when downstream needs it, the old one. `null` means
 * absent (a deleted or filtered-out row).
 */
export class Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
  constructor(newValue: V | null, oldValue: V | null) {
    this.newValue = newValue;
    this.oldValue = oldValue;
  }
}
