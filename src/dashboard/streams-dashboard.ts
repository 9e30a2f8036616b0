/**
 * A live dashboard of one KafkaStreams instance, served by node:http (no dependency, no build step):
 *
 *   GET /                 the page (./dashboard-page.ts): topology drawn from describe(), states, tasks, rates, lag
 *   GET /dashboard.json   the snapshot the page polls every second (also what `tributary metrics URL` reads)
 *   GET /topology.json    describe() as data
 *   GET /metrics          the metrics in Prometheus text format
 *
 * `new StreamsDashboard(streams, { port }).start()` runs its own server; `dashboard.handle(req, res)` answers
 * inside another node:http server (returns false for paths it does not serve), e.g. next to a QueryServer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatPrometheus, PROMETHEUS_CONTENT_TYPE } from '../metrics/prometheus.ts';
import type { KafkaStreams } from '../runtime/kafka-streams.ts';
import { DASHBOARD_PAGE } from './dashboard-page.ts';
import { dashboardSnapshot } from './dashboard-snapshot.ts';

export interface StreamsDashboardOptions {
  /** Port of start()'s server; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface of start()'s server. Default 127.0.0.1 (the dashboard has no authentication). */
  readonly host?: string;
  /** Where the dashboard sits inside a bigger server, e.g. '/dashboard' (default: the root). */
  readonly pathPrefix?: string;
}

export class StreamsDashboard {
  readonly #streams: KafkaStreams;
  readonly #port: number;
  readonly #host: string;
  readonly #prefix: string;
  #server: Server | undefined;
  /** A node:http request listener: the dashboard's paths, 404 for anything else. */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (!this.handle(req, res)) send(res, 404, 'text/plain; charset=utf-8', `no such path: ${req.url}\n`);
  };

  constructor(streams: KafkaStreams, options: StreamsDashboardOptions = {}) {
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new RangeError(`StreamsDashboard: port must be an integer from 0 to 65535, got ${port}`);
    this.#streams = streams;
    this.#port = port;
    this.#host = options.host ?? '127.0.0.1';
    this.#prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  }

  /** Answers a request for one of the dashboard's paths; false (nothing written) for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    try {
      return this.#route(req, res);
    } catch (error) {
      // Answer rather than leave the client waiting (a poller would otherwise hang on a broken snapshot).
      if (!res.headersSent)
        send(res, 500, 'text/plain; charset=utf-8', `dashboard failed: ${(error as Error).message}\n`);
      else res.destroy();
      return true;
    }
  }

  #route(req: IncomingMessage, res: ServerResponse): boolean {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith(this.#prefix)) return false;
    const local = path.slice(this.#prefix.length) || '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (!['/', '/dashboard.json', '/topology.json', '/metrics'].includes(local)) return false;
      send(res, 405, 'text/plain; charset=utf-8', `${req.method} not allowed (GET only)\n`);
      return true;
    }
    switch (local) {
      case '/':
      case '/index.html':
        if (this.#prefix !== '' && path === this.#prefix) {
          // The page fetches relative paths: it must be at `<prefix>/`.
          res.writeHead(308, { location: `${this.#prefix}/` }).end();
          return true;
        }
        send(res, 200, 'text/html; charset=utf-8', DASHBOARD_PAGE);
        return true;
      case '/dashboard.json':
        send(res, 200, 'application/json', JSON.stringify(dashboardSnapshot(this.#streams)));
        return true;
      case '/topology.json':
        send(res, 200, 'application/json', JSON.stringify(this.#streams.topologyView().description ?? null));
        return true;
      case '/metrics':
        send(res, 200, PROMETHEUS_CONTENT_TYPE, formatPrometheus(this.#streams.metrics()));
        return true;
      default:
        return false;
    }
  }

  /** Starts the dashboard's own server; resolves with its port. */
  async start(): Promise<number> {
    if (this.#server !== undefined) throw new Error('StreamsDashboard: already started');
    const server = createServer(this.handler);
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(`StreamsDashboard: cannot listen on ${this.#host}:${this.#port}: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      server.listen(this.#port, this.#host, resolve);
    });
    return (server.address() as AddressInfo).port;
  }

  /** The page's address once started, e.g. http://127.0.0.1:8080/. */
  get url(): string | undefined {
    const address = this.#server?.address();
    if (address === null || address === undefined || typeof address === 'string') return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}${this.#prefix}/`;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
