/** The only file that listens: binds a built cloud app to a host and port, over HTTP or HTTPS. */
import { createServer as createHttpsServer } from 'node:https';
import type { FastifyInstance } from 'fastify';

export interface CloudHttp {
  /** the bound port (useful when asked for port 0) */
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface CloudHttpOptions {
  app: FastifyInstance;
  host: string;
  port: number;
  /** PEM certificate (chain) and key: serve HTTPS instead of HTTP. */
  tls?: { cert: Buffer | string; key: Buffer | string };
}

export async function startCloudHttp({ app, host, port, tls }: CloudHttpOptions): Promise<CloudHttp> {
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const urlOf = (scheme: string, boundPort: number) =>
    `${scheme}://${urlHost === '0.0.0.0' || urlHost === '[::]' ? '127.0.0.1' : urlHost}:${boundPort}`;
  if (!tls) {
    await app.listen({ host, port });
    const address = app.server.address();
    const boundPort = typeof address === 'object' && address ? address.port : port;
    return { port: boundPort, url: urlOf('http', boundPort), close: () => app.close() };
  }
  // The app was built without Fastify's `https` option (app.ts stays transport-agnostic): its
  // request handler, `app.routing`, serves an HTTPS server of our own.
  await app.ready();
  const server = createHttpsServer({ cert: tls.cert, key: tls.key }, app.routing);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    port: boundPort,
    url: urlOf('https', boundPort),
    async close() {
      // As Fastify does for its own server: idle keep-alive connections now, busy ones when done.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const stragglers = setTimeout(() => server.closeAllConnections(), 5000);
      await closed;
      clearTimeout(stragglers);
      await app.close();
    },
  };
}
