/**
 * Options of a stream-table join (Java's `Joined`): the name of the join processor (and of the repartition
 * topic, `<application.id>-<name>-repartition`, when the stream must be repartitioned first) and the serdes
 * used for that repartition topic. Pass a plain object (`{ name: 'enrich' }`) or chain like Java:
 * `Joined.with(Serdes.String(), orderSerde, customerSerde).withName('enrich')`.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { validateName } from './named.ts';

export interface Joined<K, V, VO> {
  readonly name?: string;
  readonly keySerde?: SerdeLike<K>;
  /** The stream's value serde. */
  readonly valueSerde?: SerdeLike<V>;
  /** The table's value serde. */
  readonly otherValueSerde?: SerdeLike<VO>;
  /**
   * How long stream records wait for late table updates (Java's `withGracePeriod`). Kafka Streams allows it
   * only over versioned tables, which Tributary does not have yet: giving it is an error naming the join.
   */
  readonly gracePeriodMs?: number;
}

/** The chainable form returned by `Joined.with/as/...`. */
export class JoinedBuilder<K, V, VO> implements Joined<K, V, VO> {
  readonly name?: string;
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly otherValueSerde?: SerdeLike<VO>;
  readonly gracePeriodMs?: number;

  constructor(options: Joined<K, V, VO>) {
    Object.assign(this, options);
  }

  withName(name: string): JoinedBuilder<K, V, VO> {
    return new JoinedBuilder<K, V, VO>({ ...this, name: validateName(name, 'join') });
  }

  withKeySerde<K2>(keySerde: SerdeLike<K2>): JoinedBuilder<K2, V, VO> {
    return new JoinedBuilder<K2, V, VO>({ ...(this as Joined<never, V, VO>), keySerde });
  }

  withValueSerde<V2>(valueSerde: SerdeLike<V2>): JoinedBuilder<K, V2, VO> {
    return new JoinedBuilder<K, V2, VO>({ ...(this as Joined<K, never, VO>), valueSerde });
  }

  withOtherValueSerde<VO2>(otherValueSerde: SerdeLike<VO2>): JoinedBuilder<K, V, VO2> {
    return new JoinedBuilder<K, V, VO2>({ ...(this as Joined<K, V, never>), otherValueSerde });
  }

  withGracePeriod(gracePeriodMs: number): JoinedBuilder<K, V, VO> {
    if (!Number.isSafeInteger(gracePeriodMs) || gracePeriodMs < 0)
      throw new RangeError(
        `Joined: the grace period must be a non-negative integer of milliseconds, got ${gracePeriodMs}`,
      );
    return new JoinedBuilder<K, V, VO>({ ...this, gracePeriodMs });
  }
}

export const Joined = {
  with<K, V, VO>(
    keySerde: SerdeLike<K> | undefined,
    valueSerde: SerdeLike<V> | undefined,
    otherValueSerde: SerdeLike<VO> | undefined,
    name?: string,
  ): JoinedBuilder<K, V, VO> {
    return new JoinedBuilder<K, V, VO>({
      keySerde,
      valueSerde,
      otherValueSerde,
      name: name === undefined ? undefined : validateName(name, 'join'),
    });
  },
  /** Without type arguments the result fits any join. */
  as<K = never, V = never, VO = never>(name: string): JoinedBuilder<K, V, VO> {
    return new JoinedBuilder<K, V, VO>({ name: validateName(name, 'join') });
  },
  keySerde<K>(keySerde: SerdeLike<K>): JoinedBuilder<K, never, never> {
    return new JoinedBuilder<K, never, never>({ keySerde });
  },
  valueSerde<V>(valueSerde: SerdeLike<V>): JoinedBuilder<never, V, never> {
    return new JoinedBuilder<never, V, never>({ valueSerde });
  },
  otherValueSerde<VO>(otherValueSerde: SerdeLike<VO>): JoinedBuilder<never, never, VO> {
    return new JoinedBuilder<never, never, VO>({ otherValueSerde });
  },
} as const;
