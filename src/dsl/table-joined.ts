/**
 * Options of a foreign-key table-table join (Java's `TableJoined`): the join's base name and the partitioners
 * of this table and the other table (the subscription and response topics are partitioned with them).
 */
import type { StreamPartitioner } from '../topology/internals/node-definitions.ts';
import { validateName } from './named.ts';

export interface TableJoined<K, KO> {
  readonly name?: string;
  readonly partitioner?: StreamPartitioner<K, void>;
  readonly otherPartitioner?: StreamPartitioner<KO, void>;
}

export const TableJoined = {
  as<K = never, KO = never>(name: string): TableJoined<K, KO> {
    return { name: validateName(name, 'join') };
  },
  with<K, KO>(
    partitioner: StreamPartitioner<K, void> | undefined,
    otherPartitioner: StreamPartitioner<KO, void> | undefined,
  ): TableJoined<K, KO> {
    return { partitioner, otherPartitioner };
  },
} as const;
