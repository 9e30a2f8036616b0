import { createAPI, fetchV17, type Reader, ResponseError } from '@platformatic/kafka';

/**
 * Fetch v17 whose response keeps each partition's records as the raw bytes the broker sent: the fetcher
 * decodes them itself (record-batch.ts), skipping aborted transactions and control batches, and builds no
 * intermediate objects per record. The request encoder is the client's.
 */

export interface FetchedPartitionData {
  readonly partitionIndex: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
  readonly abortedTransactions: readonly { readonly producerId: bigint; readonly firstOffset: number }[];
  readonly preferredReadReplica: number;
  readonly currentLeaderId: number;
  readonly records: Buffer | null;
}

export interface FetchedTopicData {
  readonly topicId: string;
  readonly partitions: readonly FetchedPartitionData[];
}

export interface FetchResponse {
  readonly errorCode: number;
  readonly sessionId: number;
  readonly responses: readonly FetchedTopicData[];
}

function skipTaggedFields(r: Reader, onTag?: (tag: number, r: Reader) => void): void {
  const count = r.readUnsignedVarInt();
  for (let i = 0; i < count; i++) {
    const tag = r.readUnsignedVarInt();
    const size = r.readUnsignedVarInt();
    const end = r.position + size;
    onTag?.(tag, r);
    r.position = end;
  }
}

export function parseResponse(
  _correlationId: number,
  apiKey: number,
  apiVersion: number,
  reader: Reader,
): FetchResponse {
  reader.readInt32(); // throttle_time_ms
  const errorCode = reader.readInt16();
  const sessionId = reader.readInt32();
  const responses: FetchedTopicData[] = [];
  const topicCount = reader.readUnsignedVarInt() - 1;
  for (let t = 0; t < topicCount; t++) {
    const topicId = reader.readUUID();
    const partitions: FetchedPartitionData[] = [];
    const partitionCount = reader.readUnsignedVarInt() - 1;
    for (let p = 0; p < partitionCount; p++) {
      const partitionIndex = reader.readInt32();
      const partitionError = reader.readInt16();
      const highWatermark = Number(reader.readInt64());
      const lastStableOffset = Number(reader.readInt64());
      const logStartOffset = Number(reader.readInt64());
      const abortedTransactions: { producerId: bigint; firstOffset: number }[] = [];
      const abortedCount = reader.readUnsignedVarInt() - 1;
      for (let a = 0; a < abortedCount; a++) {
        const producerId = reader.readInt64();
        const firstOffset = Number(reader.readInt64());
        skipTaggedFields(reader);
        abortedTransactions.push({ producerId, firstOffset });
      }
      const preferredReadReplica = reader.readInt32();
      let records: Buffer | null = null;
      const recordsSize = reader.readUnsignedVarInt() - 1;
      if (recordsSize > 0) {
        // Socket chunks are never reused by Node, so views into them stay valid for the records' lifetime.
        records = reader.buffer.slice(reader.position, reader.position + recordsSize);
        reader.skip(recordsSize);
      }
      let currentLeaderId = -1;
      skipTaggedFields(reader, (tag, r) => {
        if (tag === 1) currentLeaderId = r.readInt32();
      });
      partitions.push({
        partitionIndex,
        errorCode: partitionError,
        highWatermark,
        lastStableOffset,
        logStartOffset,
        abortedTransactions,
        preferredReadReplica,
        currentLeaderId,
        records,
      });
    }
    skipTaggedFields(reader);
    responses.push({ topicId, partitions });
  }
  skipTaggedFields(reader);
  const response = { errorCode, sessionId, responses };
  if (errorCode !== 0) throw new ResponseError(apiKey, apiVersion, { '': [errorCode, null] }, response);
  return response;
}

export type FetchRequestArgs = Parameters<typeof fetchV17.createRequest>;

export const fetchApi = createAPI<FetchRequestArgs, FetchResponse>(1, 17, fetchV17.createRequest, parseResponse);
