/**
 * One scheduled punctuator (Java's `PunctuationSchedule`). After firing it moves to the next multiple of its
 * interval past the current time, so a long gap gives one punctuation, not a burst.
 */
import type { Cancellable, PunctuationType, Punctuator } from '../processor-context.ts';
import type { ProcessorNode } from './processor-nodes.ts';

export class PunctuationSchedule implements Cancellable {
  readonly node: ProcessorNode;
  readonly type: PunctuationType;
  readonly intervalMs: number;
  readonly punctuator: Punctuator;
  nextTime: number;
  cancelled = false;

  constructor(
    node: ProcessorNode,
    type: PunctuationType,
    intervalMs: number,
    firstTime: number,
    punctuator: Punctuator,
  ) {
    this.node = node;
    this.type = type;
    this.intervalMs = intervalMs;
    this.nextTime = firstTime;
    this.punctuator = punctuator;
  }

  /** Moves past `now` after a punctuation. */
  advance(now: number): void {
    let next = this.nextTime + this.intervalMs;
    if (now >= next) next = this.nextTime + (Math.floor((now - this.nextTime) / this.intervalMs) + 1) * this.intervalMs;
    this.nextTime = next;
  }

  cancel(): void {
    this.cancelled = true;
  }
}
