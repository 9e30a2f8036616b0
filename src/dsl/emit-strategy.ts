/**
 * When a windowed aggregation emits (Java's `EmitStrategy`): on every update of a window (the default), or
 * once per window, its final value, when the window closes (its end plus grace has passed in stream time).
 */
export type StrategyType = 'ON_WINDOW_UPDATE' | 'ON_WINDOW_CLOSE';

export interface EmitStrategy {
  type(): StrategyType;
}

const ON_WINDOW_UPDATE: EmitStrategy = Object.freeze({ type: (): StrategyType => 'ON_WINDOW_UPDATE' });
const ON_WINDOW_CLOSE: EmitStrategy = Object.freeze({ type: (): StrategyType => 'ON_WINDOW_CLOSE' });

export const EmitStrategy = {
  /** Emit each window's final result once, when it closes. */
  onWindowClose(): EmitStrategy {
    return ON_WINDOW_CLOSE;
  },
  /** Emit every update of a window (the default). */
  onWindowUpdate(): EmitStrategy {
    return ON_WINDOW_UPDATE;
  },
} as const;
