/**
 * Opens the LMDB environment of one persistent store (key-value, window or session),
 * `<state.dir>/<application.id>/<task id>/<store>`: one directory layout, so the runtime's checkpoint and wipe
 * logic applies to every persistent store. Without `state.dir` (the TopologyTestDriver) the store lives in a temporary
 * directory removed on close.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RootDatabase } from 'lmdb';
import type { StoreInitContext } from './store-init-context.ts';

// Loaded on first use: applications with in-memory stores only never load the native addon.
let lmdbOpen: typeof import('lmdb').open | undefined;
function openLmdb(): typeof import('lmdb').open {
  lmdbOpen ??= (createRequire(import.meta.url)('lmdb') as typeof import('lmdb')).open;
  return lmdbOpen;
}

/** lmdb's TransactionFlags.SYNCHRONOUS_COMMIT | NO_SYNC_FLUSH: commit now, reach the disk in the background. */
export const COMMIT_WITHOUT_DISK_FLUSH = 0x2 | 0x10000;

/** LMDB's largest key as the `lmdb` package builds it. */
export const MAX_KEY_BYTES = 1978;
/** Dirty entries kept before they are flushed early (bounds memory between commits, like Java's record cache). */
export const DEFAULT_MAX_DIRTY_ENTRIES = 100_000;
/** Bytes of the segment id that prefixes every key of a segmented (window or session) store. */
export const SEGMENT_PREFIX = 8;
/**
 * Where a segmented store keeps its observed stream time: one byte 0xff sorts after every segment prefix
 * (segment ids of real times are far below 2^62, so their first byte is 0x80 to 0xbf), so expiry never reaches it.
 */
export const META_KEY = Buffer.from([0xff]);

/** The directory of one task's stores: `<state.dir>/<application.id>/<task id>`. */
export function taskDirectory(stateDir: string, applicationId: string, taskId: string): string {
  return join(stateDir, applicationId, taskId);
}

export interface LmdbStoreEnvironment {
  readonly db: RootDatabase<Buffer, Buffer>;
  readonly directory: string;
  /** Resolves once every committed transaction is on disk. */
  whenWritten(): Promise<void>;
  /** Closes the environment (and removes a temporary directory). */
  close(): Promise<void>;
}

export function openLmdbStoreEnvironment(
  context: StoreInitContext,
  storeName: string,
  what: string,
): LmdbStoreEnvironment {
  let stateDir = context.config['state.dir'];
  let temporaryRoot: string | undefined;
  if (typeof stateDir !== 'string' || stateDir.length === 0) {
    temporaryRoot = mkdtempSync(join(tmpdir(), 'tributary-state-'));
    stateDir = temporaryRoot;
  }
  const applicationId = String(context.config['application.id'] ?? 'tributary');
  const directory = join(taskDirectory(stateDir as string, applicationId, context.taskId), storeName);
  let db: RootDatabase<Buffer, Buffer>;
  try {
    mkdirSync(directory, { recursive: true });
    db = openLmdb()<Buffer, Buffer>({
      path: directory,
      keyEncoding: 'binary',
      encoding: 'binary',
      compression: false,
      cache: false,
    });
  } catch (error) {
    throw new Error(
      `${what} "${storeName}": cannot open its LMDB directory "${directory}": ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const syncable = db as RootDatabase<Buffer, Buffer> & { sync(callback: (error?: Error) => void): void };
  // lmdb runs a sync on libuv's thread pool with a pointer to the environment: closing the environment under a
  // running (or queued) sync crashes the whole process (SIGSEGV), so close() first waits for every sync started.
  let syncsDone: Promise<void> = Promise.resolve();
  return {
    db,
    directory,
    whenWritten: () => {
      const synced = new Promise<void>((resolve, reject) => syncable.sync((e) => (e ? reject(e) : resolve())));
      const before = syncsDone;
      syncsDone = synced.then(
        () => before,
        () => before,
      );
      return synced;
    },
    close: async () => {
      await syncsDone;
      await db.close();
      if (temporaryRoot !== undefined) rmSync(temporaryRoot, { recursive: true, force: true });
    },
  };
}

/** Java's segment interval for persistent window and session stores: half the retention, at least a minute. */
export function segmentIntervalFor(retentionPeriod: number): number {
  return Math.max(Math.floor(retentionPeriod / 2), 60_000);
}

const TWO_POW_32 = 2 ** 32;

/**
 * The 8-byte prefix of a segment id, ordered as signed numbers under LMDB's unsigned byte order (the sign bit
 * flipped), so that every key of older segments sorts before every key of newer ones.
 */
export function segmentPrefix(segmentId: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  writeSegmentPrefix(out, segmentId);
  return out;
}

/** Writes segmentPrefix(segmentId) into the first 8 bytes of `out`. */
export function writeSegmentPrefix(out: Buffer, segmentId: number): void {
  const high = Math.floor(segmentId / TWO_POW_32);
  out.writeUInt32BE((high ^ 0x80000000) >>> 0, 0);
  out.writeUInt32BE(segmentId - high * TWO_POW_32, 4);
}

/** Deletes every entry of the segments before `firstLiveSegment` (a contiguous prefix of the database). */
export function deleteSegmentsBefore(db: RootDatabase<Buffer, Buffer>, firstLiveSegment: number): number {
  // Collected first: no cursor is kept open over entries being removed.
  const expired = [...db.getKeys({ end: segmentPrefix(firstLiveSegment) })] as Buffer[];
  for (const key of expired) db.removeSync(key);
  return expired.length;
}
