import { createAPI, fetchV17, type Reader, ResponseError } from '@platformatic/kafka';

type DynamicBuffer = Reader['buffer'];

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
  /**
   * The records blob as views into the socket chunks, in order: each segment holds whole batches (a trailing
   * partial batch, if any, ends the last one). Only a batch that straddles two chunks is copied.
   */
  readonly records: readonly Buffer[] | null;
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

/** baseOffset(8) + batchLength(4) */
const LOG_OVERHEAD = 12;

/**
 * Views of the bytes [start, end) of a response made of socket chunks (which Node never reuses, so views stay
 * valid as long as the records need them), cut at batch boundaries: a run of batches inside one chunk is one
 * view; a batch that straddles chunks is copied into a buffer of its own. Joining the whole blob into one buffer
 * would copy every fetched byte.
 */
export function recordSegments(response: DynamicBuffer, start: number, end: number): Buffer[] {
  const chunks = response.buffers;
  let chunk = 0;
  let chunkStart = 0;
  /** End (exclusive) of the chunk holding byte `at`; chunks are visited in order only. */
  const chunkEndOf = (at: number): number => {
    while (chunkStart + chunks[chunk].length <= at) chunkStart += chunks[chunk++].length;
    return chunkStart + chunks[chunk].length;
  };
  let runStart = start;
  let runChunkEnd = chunkEndOf(start);
  if (end <= runChunkEnd) return [response.slice(start, end)]; // the usual case: one view
  const segments: Buffer[] = [];
  let pos = start;
  while (pos < end) {
    const batchEnd = pos + LOG_OVERHEAD > end ? end : Math.min(end, pos + LOG_OVERHEAD + response.readInt32BE(pos + 8));
    if (batchEnd <= runChunkEnd) {
      pos = batchEnd; // still inside the run's chunk
      continue;
    }
    // The batch leaves the run's chunk: close the run (a view), then start a new one at this batch, or copy
    // the batch alone when it straddles two chunks.
    if (pos > runStart) segments.push(response.slice(runStart, pos));
    const chunkEnd = chunkEndOf(pos);
    if (batchEnd <= chunkEnd) {
      runStart = pos;
      runChunkEnd = chunkEnd;
    } else {
      segments.push(response.slice(pos, batchEnd));
      runStart = batchEnd;
      runChunkEnd = batchEnd < end ? chunkEndOf(batchEnd) : end;
    }
    pos = batchEnd;
  }
  if (pos > runStart) segments.push(response.slice(runStart, pos));
  return segments;
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
      let records: Buffer[] | null = null;
      const recordsSize = reader.readUnsignedVarInt() - 1;
      if (recordsSize > 0) {
        records = recordSegments(reader.buffer, reader.position, reader.position + recordsSize);
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
