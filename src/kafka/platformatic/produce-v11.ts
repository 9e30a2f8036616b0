import { createAPI, produceV11, Writer } from '@platformatic/kafka';

/**
 * Produce v11 carrying record batches we encoded ourselves (see record-batch.ts), so batching, sequence
 * numbers and the transactional flag are decided by our producer. The response parser is the client's.
 *
 *   Produce Request (v11) => transactional_id acks timeout_ms [topic_data] TAG_BUFFER
 *     topic_data => name [partition_data] TAG_BUFFER
 *       partition_data => index records TAG_BUFFER
 */

export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly batch: Buffer;
}

export function createRequest(
  transactionalId: string | null,
  acks: number,
  timeoutMs: number,
  batches: readonly PartitionBatch[],
): Writer {
  const byTopic = new Map<string, PartitionBatch[]>();
  for (const b of batches) {
    const list = byTopic.get(b.topic);
    if (list) list.push(b);
    else byTopic.set(b.topic, [b]);
  }
  const writer = Writer.create()
    .appendString(transactionalId)
    .appendInt16(acks)
    .appendInt32(timeoutMs)
    .appendArray([...byTopic], (w, [topic, partitions]) => {
      w.appendString(topic).appendArray(partitions, (w, p) => {
        w.appendInt32(p.partition)
          .appendUnsignedVarInt(p.batch.length + 1)
          .append(p.batch);
      });
    })
    .appendTaggedFields();
  if (acks === 0) writer.context.noResponse = true;
  return writer;
}

export type ProduceResponse = produceV11.ProduceResponse;

export const produceApi = createAPI<
  [transactionalId: string | null, acks: number, timeoutMs: number, batches: readonly PartitionBatch[]],
  ProduceResponse
>(0, 11, createRequest, produceV11.parseResponse);
