/**
 * Which tasks exist and which partitions each one reads, derived from the topology and the partition counts
 * of its source topics (Java's PartitionGrouper plus the co-partitioning check of the assignor).
 *
 * A sub-topology has one task per partition number: task `s_p` reads partition `p` of every source topic of
 * sub-topology `s`, so co-partitioned records (same key, same partition number) meet in one task.
 */

import { TaskAssignmentException } from '../errors/streams-exception.ts';
import type { TopicPartition } from '../kafka/backend.ts';
import { type TaskId, taskIdString } from '../processor/internals/task-contract.ts';

/** The parts of a sub-topology the runtime plans with; source patterns already resolved to topics. */
export interface SubtopologySources {
  readonly id: number;
  readonly sourceTopics: readonly string[];
}

export interface TaskLayout {
  /** Task id string ("0_1") → the partitions it reads. */
  readonly tasks: ReadonlyMap<string, TaskPlan>;
}

export interface TaskPlan {
  readonly id: TaskId;
  readonly partitions: readonly TopicPartition[];
}

/**
 * Plans the tasks. Throws {@link TaskAssignmentException} naming the topics when co-partitioned topics differ
 * in partition count. Topics absent from `partitionCounts` must have been reported as missing before.
 */
export function planTasks(
  subtopologies: readonly SubtopologySources[],
  copartitionGroups: readonly (readonly string[])[],
  partitionCounts: ReadonlyMap<string, number>,
): TaskLayout {
  checkCopartitioning(copartitionGroups, partitionCounts);
  const tasks = new Map<string, TaskPlan>();
  for (const subtopology of subtopologies) {
    const count = taskCount(subtopology, partitionCounts);
    for (let partition = 0; partition < count; partition++) {
      const id = { subtopology: subtopology.id, partition };
      const partitions: TopicPartition[] = [];
      for (const topic of subtopology.sourceTopics) {
        if (partition < (partitionCounts.get(topic) ?? 0)) partitions.push({ topic, partition });
      }
      tasks.set(taskIdString(id), { id, partitions });
    }
  }
  return { tasks };
}

/** A sub-topology's task count: the largest partition count among its source topics (as in Kafka Streams). */
export function taskCount(subtopology: SubtopologySources, partitionCounts: ReadonlyMap<string, number>): number {
  let count = 0;
  for (const topic of subtopology.sourceTopics) count = Math.max(count, partitionCounts.get(topic) ?? 0);
  return count;
}

export function checkCopartitioning(
  copartitionGroups: readonly (readonly string[])[],
  partitionCounts: ReadonlyMap<string, number>,
): void {
  for (const group of copartitionGroups) {
    const counts = group
      .filter((topic) => partitionCounts.has(topic))
      .map((topic) => [topic, partitionCounts.get(topic)!] as const);
    if (new Set(counts.map(([, count]) => count)).size > 1) {
      const listing = counts.map(([topic, count]) => `"${topic}" has ${count}`).join(', ');
      throw new TaskAssignmentException(
        `topics not co-partitioned: ${listing} partition${counts.length > 1 ? 's' : ''}; ` +
          `a join or merge needs equal partition counts — repartition one side (e.g. .repartition({ partitions: N }))`,
      );
    }
  }
}
