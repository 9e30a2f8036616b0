/**
 * Turns what the user hands to `new KafkaStreams(...)` (a `Topology` from the DSL or the Processor API) into the
 * driver-facing BuiltTopology of the task contract. A BuiltTopology is accepted as is (the runtime's own tests
 * drive it with hand-written tasks).
 */
import type { BuiltTopology } from '../processor/internals/task-contract.ts';
import { buildTopology } from '../topology/build-topology.ts';
import type { Topology } from '../topology/topology.ts';

export type TopologyInput = Topology | BuiltTopology;

export function isBuiltTopology(value: unknown): value is BuiltTopology {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as BuiltTopology).createTask === 'function' &&
    Array.isArray((value as BuiltTopology).subtopologies)
  );
}

export function resolveTopology(input: TopologyInput, config: Readonly<Record<string, unknown>>): BuiltTopology {
  return isBuiltTopology(input) ? input : buildTopology(input, config);
}
