/** The only file that listens: binds a built cloud app to a host and port. */
import type { FastifyInstance } from 'fastify';

export interface CloudHttp {
  /** the bound port (useful when asked for port 0) */
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startCloudHttp({ app, host, port }: { app: FastifyInstance; host: string; port: number }): Promise<CloudHttp> {
  await app.listen({ host, port });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    port: boundPort,
    url: `http://${urlHost === '0.0.0.0' || urlHost === '[::]' ? '127.0.0.1' : urlHost}:${boundPort}`,
    close: () => app.close(),
  };
}
