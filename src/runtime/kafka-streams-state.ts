/**
 * The life cycle of a KafkaStreams client, with Kafka Streams' state names and allowed transitions:
 *
 *   CREATED ──► REBALANCING ◄──► RUNNING
 *      │             │              │
 *      ▼             ▼              ▼
 *   PENDING_SHUTDOWN ◄──────────────┘        REBALANCING / RUNNING ──► PENDING_ERROR ──► ERROR
 *      │
 *      ▼
 *   NOT_RUNNING
 *
 * A plain object of constants (not a TypeScript enum: the code runs through Node's type stripping).
 */
export const KafkaStreamsState = {
  CREATED: 'CREATED',
  REBALANCING: 'REBALANCING',
  RUNNING: 'RUNNING',
  PENDING_SHUTDOWN: 'PENDING_SHUTDOWN',
  NOT_RUNNING: 'NOT_RUNNING',
  PENDING_ERROR: 'PENDING_ERROR',
  ERROR: 'ERROR',
} as const;

export type KafkaStreamsState = (typeof KafkaStreamsState)[keyof typeof KafkaStreamsState];

const VALID_NEXT: Readonly<Record<KafkaStreamsState, readonly KafkaStreamsState[]>> = {
  CREATED: ['REBALANCING', 'PENDING_SHUTDOWN'],
  REBALANCING: ['RUNNING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  RUNNING: ['REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  PENDING_SHUTDOWN: ['NOT_RUNNING'],
  NOT_RUNNING: [],
  PENDING_ERROR: ['ERROR'],
  ERROR: [],
};

export function isValidTransition(from: KafkaStreamsState, to: KafkaStreamsState): boolean {
  return VALID_NEXT[from].includes(to);
}

export type StateListener = (newState: KafkaStreamsState, oldState: KafkaStreamsState) => void;
