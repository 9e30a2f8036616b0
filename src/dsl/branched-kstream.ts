/**
 * The branches of `split()` (Java's `BranchedKStream`): each record goes to the first branch whose predicate
 * holds, else to the default branch (or nowhere). Branch streams are named `<split name><branch name or
 * number>` and returned in a map by those names.
 */
import type { Branched } from './branched.ts';
import { BranchProcessor, PassThroughProcessor } from './internals/stream-processors.ts';
import { KStream } from './kstream.ts';

export class BranchedKStream<K, V> {
  private readonly source: KStream<K, V>;
  private readonly splitterName: string;
  private readonly predicates: ((key: K, value: V) => boolean)[] = [];
  private readonly childNames: string[] = [];
  private readonly defaultChild: { name: string | undefined } = { name: undefined };
  private readonly outputs: Record<string, KStream<K, V>> = {};
  private index = 1;
  private done = false;

  /** @internal made by KStream#split */
  constructor(source: KStream<K, V>, name: string | undefined) {
    this.source = source;
    const builder = source.builder;
    this.splitterName = builder.name(name, 'KSTREAM-BRANCH-');
    const { predicates, childNames, defaultChild } = this;
    builder.addProcessor(
      this.splitterName,
      () => new BranchProcessor(predicates, childNames, defaultChild.name),
      source.nodeName,
    );
  }

  private createBranch(branched: Branched<K, V> | undefined, index: number): string {
    if (this.done) throw new TypeError('split(): no branch may be added after defaultBranch() or noDefaultBranch()');
    const builder = this.source.builder;
    const childName = this.splitterName + (branched?.name ?? String(index));
    builder.newProcessorName('KSTREAM-BRANCHCHILD-');
    builder.addProcessor(childName, () => new PassThroughProcessor(), this.splitterName);
    const stream = new KStream<K, V>(
      builder,
      childName,
      this.source.keySerde,
      this.source.valueSerde,
      this.source.repartitionRequired,
    );
    if (branched?.chain === undefined) this.outputs[childName] = stream;
    else {
      const result = branched.chain(stream);
      if (result instanceof KStream) this.outputs[childName] = result as KStream<K, V>;
    }
    return childName;
  }

  /** Adds a branch for the records matching `predicate` (and not an earlier branch). */
  branch(predicate: (key: K, value: V) => boolean, branched?: Branched<K, V>): BranchedKStream<K, V> {
    const childName = this.createBranch(branched, this.index++);
    this.predicates.push(predicate);
    this.childNames.push(childName);
    return this;
  }

  /** Adds the branch for records matching no predicate, and returns the branches by name. */
  defaultBranch(branched?: Branched<K, V>): Record<string, KStream<K, V>> {
    this.defaultChild.name = this.createBranch(branched, 0);
    this.done = true;
    return this.outputs;
  }

  /** Returns the branches by name; records matching no predicate are dropped. */
  noDefaultBranch(): Record<string, KStream<K, V>> {
    this.done = true;
    return this.outputs;
  }
}
