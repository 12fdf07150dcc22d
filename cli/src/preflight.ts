// Fails fast with a readable reason when Redis is down: its client would otherwise retry silently.
import { connect } from 'node:net';

export function checkReachable(rawUrl: string, defaultPort: number, timeoutMs = 3000): Promise<void> {
  const u = new URL(rawUrl);
  const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(u.port || defaultPort);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), { code: 'ETIMEDOUT', port }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(Object.assign(err, { port }));
    });
  });
}
