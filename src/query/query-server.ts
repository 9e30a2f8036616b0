/**
 * An HTTP server answering interactive queries for one KafkaStreams instance, and for the whole application:
 * a key owned by another instance is forwarded (one hop) to that instance's `application.server`, and scans
 * (range, all, windows) gather every instance's share, so any instance answers any query.
 *
 * ```ts
 * const streams = new KafkaStreams(topology, { 'application.id': 'wc', 'application.server': 'localhost:7070' });
 * const server = new QueryServer(streams);   // listens on application.server's port (or { port }); also new QueryServer({ streams, port })
 * await server.start();
 * await streams.start();
 * // curl localhost:7070/stores/counts/keys/kafka → {"store":"counts","key":"kafka","value":3,...}
 * ```
 *
 * Endpoints (GET; JSON answers):
 * - `/stores`: the queryable stores, their types, partition counts and owners.
 * - `/stores/:store/keys/:key`: a key-value store's value (`timestamp` too for timestamped stores), 404 when
 *   absent; a window store's windows of the key (`?from=&to=` window start times, default all); a session
 *   store's sessions of the key.
 * - `/stores/:store/range?from=&to=&limit=`: key-value entries with `from <= key <= to` (either open), in key
 *   order, at most `limit` (default 1000, at most 100000), `truncated: true` when there were more.
 * - `/stores/:store/all?limit=`: every entry of a key-value or window store, bounded the same way.
 * - `/stores/:store/windows?from=&to=&limit=`: a window store's windows starting in `[from, to]`, all keys.
 *
 * Keys in the URL are read with the store's key serde as `parseUrlKey` says (strings as is, numbers parsed,
 * JSON for JSON keys, base64 for bytes). Times are epoch milliseconds or ISO dates. Values are written as JSON:
 * a Buffer as a base64 string, a bigint as a decimal string, a Windowed key as `{ key, window: { start, end } }`.
 * Errors: 400 for a malformed query (naming the store, key or parameter), 404 for an absent key or an unknown
 * path, 503 with Retry-After while the store is not queryable (starting, rebalancing, restoring), 502 when the
 * owning instance cannot be reached. Answers carry `x-tributary-served-by: <application.server>`.
 */
import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import type { KeyValue, ReadOnlyKeyValueStore, ValueAndTimestamp } from '../state/key-value-store.ts';
import type { ReadOnlySessionStore } from '../state/session-store.ts';
import type { ReadOnlyWindowStore } from '../state/window-store.ts';
import { INTERACTIVE_QUERIES, type InteractiveQueries } from './interactive-queries.ts';
import { InvalidStateStoreException, UnknownStateStoreException } from './invalid-state-store-exception.ts';
import { QueryableStoreTypes } from './queryable-store-types.ts';
import { STORE_KIND_NAMES } from './store-kind.ts';
import { MalformedQueryError, parseNumberParam, parseUrlKey } from './url-key-parser.ts';

/** Set on a forwarded query: the receiver answers from its own stores and never forwards again. */
export const FORWARDED_HEADER = 'x-tributary-forwarded';
export const SERVED_BY_HEADER = 'x-tributary-served-by';

export interface QueryServerOptions {
  /** Port to listen on. Default: the port of `application.server`; 0 picks a free one. */
  readonly port?: number;
  /** Interface to listen on. Default: all. */
  readonly host?: string;
  /** How long a forwarded query may take. Default 5000 ms. */
  readonly forwardTimeoutMs?: number;
  /**
   * Key serdes by store name, for stores whose own key serde cannot be read (a custom store without
   * `keySerdeForQueries()`): how URL keys are parsed and partitioned. Default: the store's, else
   * `default.key.serde`.
   */
  readonly keySerdes?: Readonly<Record<string, SerdeLike<unknown>>>;
}

/** Anything with KafkaStreams' interactive-query entry point. */
export interface QueryableStreams {
  [INTERACTIVE_QUERIES](): InteractiveQueries;
}

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 100_000;

class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** One entry of a scan, with what the merge across instances orders by. */
interface ScanEntry {
  readonly json: unknown;
  /** Window start for window scans (ordered first), else 0. */
  readonly time: number;
  /** Serialized key bytes, hex. */
  readonly keyHex: string;
}

export class QueryServer {
  readonly #queries: InteractiveQueries;
  readonly #options: QueryServerOptions;
  #server: Server | undefined;
  /** Connections to the other instances are kept open between forwarded queries. */
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 16 });

  /** `new QueryServer(streams, { port })`, or `new QueryServer({ streams, port })`. */
  constructor(streams: QueryableStreams, options?: QueryServerOptions);
  constructor(options: QueryServerOptions & { readonly streams: QueryableStreams });
  constructor(
    first: QueryableStreams | (QueryServerOptions & { readonly streams: QueryableStreams }),
    options: QueryServerOptions = {},
  ) {
    const streams = INTERACTIVE_QUERIES in first ? first : first.streams;
    if (streams === undefined || typeof streams[INTERACTIVE_QUERIES] !== 'function') {
      throw new TypeError(
        'QueryServer needs a KafkaStreams: new QueryServer(streams, { port }) or new QueryServer({ streams, port })',
      );
    }
    this.#queries = streams[INTERACTIVE_QUERIES]();
    this.#options = INTERACTIVE_QUERIES in first ? options : first;
  }

  /**
   * Answers a request for `/stores` or `/stores/...` (then returns true; the answer is written asynchronously),
   * so the queries can be mounted in a server of the application (next to the StreamsDashboard, say); returns
   * false for any other path. Forwarded queries reach the owner at its `application.server`, so that must be
   * the address of the server the owner mounted this in.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/stores' && !path.startsWith('/stores/')) return false;
    this.#handle(req, res).catch((error) => this.#sendError(res, error));
    return true;
  }

  /** Starts listening; resolves with the port (useful with `port: 0`). */
  async start(): Promise<number> {
    if (this.#server !== undefined) return this.port();
    if (this.#options.port === undefined && this.#queries.thisHost() === '') {
      throw new TypeError(
        'QueryServer needs a port: set "application.server" (host:port) in the config, or pass { port }',
      );
    }
    const port = this.#options.port ?? Number(this.#queries.thisHost().split(':').pop());
    const server = createServer((req, res) => {
      if (!this.handle(req, res)) {
        this.#sendError(
          res,
          new HttpError(
            404,
            `no such endpoint ${req.url}: try /stores, /stores/:store/keys/:key, /stores/:store/range, /stores/:store/all, /stores/:store/windows`,
          ),
        );
      }
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.#options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return this.port();
  }

  port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? -1;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    this.#agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ------------------------------------------------------------------------------------------ routing

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET') throw new HttpError(405, `only GET is supported, not ${req.method}`);
    const url = new URL(req.url ?? '/', 'http://query');
    const parts = url.pathname
      .split('/')
      .filter((p) => p !== '')
      .map(decodeSegment);
    const forwarded = req.headers[FORWARDED_HEADER] !== undefined;
    if (parts.length === 1 && parts[0] === 'stores') return this.#send(res, 200, this.#listStores());
    if (parts[0] !== 'stores' || parts.length < 3) {
      throw new HttpError(
        404,
        `no such endpoint ${url.pathname}: try /stores, /stores/:store/keys/:key, /stores/:store/range, /stores/:store/all, /stores/:store/windows`,
      );
    }
    const store = parts[1];
    this.#checkStore(store);
    const action = parts[2];
    if (action === 'keys' && parts.length === 4) return this.#keyQuery(req, res, store, parts[3], url, forwarded);
    if (parts.length === 3 && (action === 'range' || action === 'all' || action === 'windows')) {
      return this.#scanQuery(req, res, store, action, url, forwarded);
    }
    throw new HttpError(404, `no such endpoint ${url.pathname} for store "${store}"`);
  }

  #checkStore(store: string): void {
    try {
      this.#queries.checkQueryable(store);
    } catch (error) {
      if (error instanceof UnknownStateStoreException) throw new HttpError(400, error.message);
      throw error;
    }
  }

  #listStores(): unknown {
    const queries = this.#queries;
    return {
      host: queries.thisHost() || null,
      stores: queries.knownStores().map((name) => {
        const kind = queries.storeKind(name);
        return {
          name,
          type: kind === undefined ? null : STORE_KIND_NAMES[kind],
          global: queries.isGlobal(name),
          partitions: queries.partitionCount(name) ?? null,
          localPartitions: queries.instances(name, true, undefined, true).map((i) => i.partition),
          hosts: queries.isGlobal(name) ? [] : queries.streamsMetadataForStore(name).map((m) => m.hostInfo),
        };
      }),
    };
  }

  async #keyQuery(
    req: IncomingMessage,
    res: ServerResponse,
    store: string,
    keyText: string,
    url: URL,
    forwarded: boolean,
  ): Promise<void> {
    const queries = this.#queries;
    const serde = this.#keySerde(store);
    const key = parseUrlKey(keyText, serde, store);
    let keyBytes: Buffer | null;
    try {
      keyBytes = serde.serializer(store, key);
    } catch (error) {
      throw new MalformedQueryError(`key ${JSON.stringify(keyText)} of store "${store}": ${(error as Error).message}`);
    }
    const partition =
      keyBytes === null || queries.isGlobal(store) ? undefined : queries.partitionOfKey(store, keyBytes);
    if (partition !== undefined && !forwarded) {
      const owner = queries.hostOf(store, partition);
      if (owner !== undefined && owner !== queries.thisHost()) return this.#forward(req, res, owner);
    }
    const kind = queries.storeKind(store);
    const where = { store, key, partition: partition ?? null, host: queries.thisHost() || null };
    if (kind === 'keyValue' || kind === 'timestampedKeyValue') {
      const view = queries.localStores(store, false, partition);
      if (kind === 'timestampedKeyValue') {
        const found = QueryableStoreTypes.timestampedKeyValueStore().create(view).get(key) as
          | ValueAndTimestamp<unknown>
          | undefined;
        if (found === undefined)
          throw new HttpError(404, `key ${JSON.stringify(keyText)} not found in store "${store}"`);
        return this.#send(res, 200, { ...where, value: found.value, timestamp: found.timestamp });
      }
      const value = QueryableStoreTypes.keyValueStore().create(view).get(key);
      if (value === undefined) throw new HttpError(404, `key ${JSON.stringify(keyText)} not found in store "${store}"`);
      return this.#send(res, 200, { ...where, value });
    }
    if (kind === 'window' || kind === 'timestampedWindow') {
      const from = parseNumberParam(url.searchParams, 'from', 0, { time: true })!;
      const to = parseNumberParam(url.searchParams, 'to', Number.MAX_SAFE_INTEGER, { time: true })!;
      const view = QueryableStoreTypes.windowStore().create(queries.localStores(store, false, partition));
      const windows = (view as ReadOnlyWindowStore<unknown, unknown>).fetch(key, from, to);
      return this.#send(res, 200, { ...where, windows: windows.map((w) => ({ start: w.key, value: w.value })) });
    }
    if (kind === 'session') {
      const view = QueryableStoreTypes.sessionStore().create(queries.localStores(store, false, partition));
      const sessions = (view as ReadOnlySessionStore<unknown, unknown>).fetch(key);
      return this.#send(res, 200, {
        ...where,
        sessions: sessions.map((s) => ({ start: s.key.window.start, end: s.key.window.end, value: s.value })),
      });
    }
    if (kind === undefined) {
      throw new InvalidStateStoreException(`store "${store}" has no partition on this instance right now; retry`);
    }
    throw new HttpError(
      400,
      `store "${store}" is not a key-value, window or session store: it cannot be queried over HTTP`,
    );
  }

  async #scanQuery(
    req: IncomingMessage,
    res: ServerResponse,
    store: string,
    action: 'range' | 'all' | 'windows',
    url: URL,
    forwarded: boolean,
  ): Promise<void> {
    const limit = parseNumberParam(url.searchParams, 'limit', DEFAULT_LIMIT, { min: 1, max: MAX_LIMIT })!;
    if (!Number.isInteger(limit)) throw new MalformedQueryError(`query parameter "limit" must be a whole number`);
    const local = this.#localScan(store, action, url.searchParams, limit);
    const others = forwarded || this.#queries.isGlobal(store) ? [] : this.#otherHosts(store);
    let entries = local.entries;
    let truncated = local.truncated;
    if (others.length > 0) {
      const answers = await Promise.all(others.map((host) => this.#fetchJson(host, req.url ?? '/')));
      for (const answer of answers) {
        const body = answer as { entries: unknown[]; order: [number, string][]; truncated: boolean };
        truncated ||= body.truncated;
        entries = entries.concat(
          body.entries.map((json, i) => ({ json, time: body.order[i][0], keyHex: body.order[i][1] })),
        );
      }
    }
    // In one order whatever the stores and instances gave: window start, then serialized key.
    entries.sort((a, b) => a.time - b.time || (a.keyHex < b.keyHex ? -1 : a.keyHex > b.keyHex ? 1 : 0));
    if (entries.length > limit) {
      entries = entries.slice(0, limit);
      truncated = true;
    }
    const body: Record<string, unknown> = {
      store,
      host: this.#queries.thisHost() || null,
      entries: entries.map((e) => e.json),
      truncated,
    };
    // Forwarded scans also say how to merge them (window start, serialized key).
    if (forwarded) body.order = entries.map((e) => [e.time, e.keyHex]);
    return this.#send(res, 200, body);
  }

  #localScan(
    store: string,
    action: 'range' | 'all' | 'windows',
    params: URLSearchParams,
    limit: number,
  ): { entries: ScanEntry[]; truncated: boolean } {
    const queries = this.#queries;
    const kind = queries.storeKind(store);
    const view = queries.localStores(store, false, undefined, true);
    const serde = this.#keySerde(store);
    // Merge order across instances; a key the fallback serde cannot write keeps its place (empty sort key).
    const keyHex = (key: unknown) => {
      try {
        return (serde.serializer(store, key) ?? Buffer.alloc(0)).toString('hex');
      } catch {
        return '';
      }
    };
    let entries: ScanEntry[];
    if (kind === undefined) {
      // No partition of the store here: still check the client is queryable (503 while it is not).
      queries.instances(store, false, undefined, true);
      entries = [];
    } else if (kind === 'keyValue' || kind === 'timestampedKeyValue') {
      if (action === 'windows')
        throw new MalformedQueryError(`store "${store}" is a key-value store: /windows is for window stores`);
      const kv = QueryableStoreTypes.keyValueStore().create(view) as ReadOnlyKeyValueStore<unknown, unknown>;
      let found: KeyValue<unknown, unknown>[];
      if (action === 'range') {
        const from = params.get('from');
        const to = params.get('to');
        if (from === null && to === null) {
          throw new MalformedQueryError(
            `range on store "${store}" needs "from" and/or "to" (use /all for every entry)`,
          );
        }
        found = kv.range(
          from === null ? undefined : parseUrlKey(from, serde, store),
          to === null ? undefined : parseUrlKey(to, serde, store),
        );
      } else {
        found = kv.all();
      }
      const timestamped =
        kind === 'timestampedKeyValue' ? QueryableStoreTypes.timestampedKeyValueStore().create(view) : undefined;
      entries = found.slice(0, limit + 1).map((e) => {
        const withTime = timestamped?.get(e.key) as ValueAndTimestamp<unknown> | undefined;
        const json =
          withTime === undefined
            ? { key: e.key, value: e.value }
            : { key: e.key, value: e.value, timestamp: withTime.timestamp };
        return { json, time: 0, keyHex: keyHex(e.key) };
      });
    } else if (kind === 'window' || kind === 'timestampedWindow') {
      const windows = QueryableStoreTypes.windowStore().create(view) as ReadOnlyWindowStore<unknown, unknown>;
      if (action === 'range')
        throw new MalformedQueryError(`store "${store}" is a window store: use /windows?from=&to= or /keys/:key`);
      const found =
        action === 'all'
          ? windows.all()
          : windows.fetchAll(
              parseNumberParam(params, 'from', 0, { time: true })!,
              parseNumberParam(params, 'to', Number.MAX_SAFE_INTEGER, { time: true })!,
            );
      entries = found.slice(0, limit + 1).map((e) => ({
        json: { key: e.key.key, window: e.key.window, value: e.value },
        time: e.key.window.start,
        keyHex: keyHex(e.key.key),
      }));
    } else {
      throw new MalformedQueryError(
        `store "${store}" is a ${STORE_KIND_NAMES[kind]}: query its keys with /stores/${store}/keys/:key`,
      );
    }
    const truncated = entries.length > limit;
    return { entries: truncated ? entries.slice(0, limit) : entries, truncated };
  }

  #keySerde(store: string): SerdeLike<unknown> {
    return this.#options.keySerdes?.[store] ?? this.#queries.keySerde(store);
  }

  #otherHosts(store: string): string[] {
    const me = this.#queries.thisHost();
    return this.#queries
      .streamsMetadataForStore(store)
      .map((m) => m.hostInfo)
      .filter((h) => h !== me);
  }

  // ------------------------------------------------------------------------------------------ forwarding

  #forwardRequest(
    host: string,
    path: string,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const { hostname, port } = splitHost(host);
    const timeoutMs = this.#options.forwardTimeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          hostname,
          port,
          path,
          method: 'GET',
          agent: this.#agent,
          headers: { [FORWARDED_HEADER]: this.#queries.thisHost() || 'unknown' },
          timeout: timeoutMs,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const headers: Record<string, string> = {};
            for (const name of ['content-type', 'retry-after', SERVED_BY_HEADER]) {
              const value = incoming.headers[name];
              if (typeof value === 'string') headers[name] = value;
            }
            resolve({ status: incoming.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
          });
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      outgoing.on('error', reject);
      outgoing.end();
    }).catch((error: Error) => {
      throw new HttpError(502, `forwarding the query to ${host} (the instance owning it) failed: ${error.message}`);
    }) as Promise<{ status: number; headers: Record<string, string>; body: Buffer }>;
  }

  async #forward(req: IncomingMessage, res: ServerResponse, host: string): Promise<void> {
    const answer = await this.#forwardRequest(host, req.url ?? '/');
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  async #fetchJson(host: string, path: string): Promise<unknown> {
    const answer = await this.#forwardRequest(host, path);
    const text = answer.body.toString('utf8');
    if (answer.status !== 200) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error: string }).error ?? text;
      } catch {}
      throw new HttpError(
        answer.status === 503 ? 503 : 502,
        `instance ${host} answered ${answer.status}: ${message}`,
        answer.status === 503 ? { 'retry-after': answer.headers['retry-after'] ?? '1' } : {},
      );
    }
    return JSON.parse(text);
  }

  // ------------------------------------------------------------------------------------------ answers

  #send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body, jsonReplacer);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      [SERVED_BY_HEADER]: this.#queries.thisHost() || 'local',
      ...headers,
    });
    res.end(text);
  }

  #sendError(res: ServerResponse, error: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof HttpError) {
      this.#send(res, error.status, { error: error.message }, error.headers);
    } else if (error instanceof MalformedQueryError || error instanceof UnknownStateStoreException) {
      this.#send(res, 400, { error: error.message });
    } else if (error instanceof InvalidStateStoreException) {
      // Not started, rebalancing, restoring, moved, stopped: nothing to answer now, maybe later.
      this.#send(res, 503, { error: error.message }, { 'retry-after': '1' });
    } else {
      console.error('tributary: QueryServer failed to answer a query', error);
      this.#send(res, 500, { error: `internal error: ${(error as Error)?.message ?? String(error)}` });
    }
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new MalformedQueryError(`path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
  }
}

function splitHost(endpoint: string): { hostname: string; port: number } {
  const colon = endpoint.lastIndexOf(':');
  const hostname = endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { hostname, port: Number(endpoint.slice(colon + 1)) };
}

/** JSON.stringify replacer: Buffers as base64 (`this[key]` is the value before Buffer#toJSON), bigints as text. */
function jsonReplacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (Buffer.isBuffer(original)) return original.toString('base64');
  if (typeof value === 'bigint') return value.toString();
  return value;
}
