import { createServer, type Server } from 'node:http';
import { renderMetrics } from './metrics';

/**
 * A bare HTTP server answering GET /metrics, for processes without an HTTP side (the media
 * worker). Port 0 means "do not serve" (several workers on one machine would clash).
 */
export function startMetricsServer(port: number, host = '0.0.0.0'): Promise<Server | undefined> {
  if (!port) return Promise.resolve(undefined);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    renderMetrics().then(
      ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
