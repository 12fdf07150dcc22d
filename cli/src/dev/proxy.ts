// The address `elevate dev` serves: a small HTTP proxy in front of whichever kernel process is
// current. A reload starts the next process beside the running one and switches over once it
// listens, so no request meets a closed port, and the browser's sessions (tokens in the database,
// the same JWT secret) carry on.
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

export interface DevProxy {
  server: Server;
  /** Sends requests to this kernel from now on; requests waiting for a first kernel go there. */
  setTarget(url: string): void;
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** `GET /__dev` answers from the proxy itself: which kernel serves, whether the next is loaded. */
export const DEV_STATUS_PATH = '/__dev';

export function createDevProxy(status: () => unknown): DevProxy {
  let target: URL | null = null;
  let waiting: (() => void)[] = [];
  const ready = (): Promise<URL> =>
    target ? Promise.resolve(target) : new Promise((resolve) => waiting.push(() => resolve(target as URL)));

  const forward = async (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const to = await ready();
    const upstream = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.statusMessage, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'DEV_RELOADING', message: 'The dev server is switching kernels; try again.' }));
    });
    req.pipe(upstream);
  };

  // WebSocket and other upgrades: replay the request head to the kernel and splice the sockets.
  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const to = await ready();
    const up = connect(Number(to.port), to.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket).pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  };

  const server = createServer((req, res) => {
    if (req.url === DEV_STATUS_PATH) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return void res.end(JSON.stringify(status()));
    }
    void forward(req, res);
  });
  server.on('upgrade', (req, socket, head) => void upgrade(req, socket, head));
  return {
    server,
    setTarget(url) {
      target = new URL(url);
      const w = waiting;
      waiting = [];
      for (const f of w) f();
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const addr = server.address() as import('node:net').AddressInfo;
          resolve(`http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
