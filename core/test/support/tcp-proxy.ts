import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 for outage tests: `pause()` drops every connection and stops
 * listening (the service looks down); `resume()` listens again on the same port.
 */
export class TcpProxy {
  private readonly target: { host: string; port: number };
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | null = null;
  private boundPort = 0;

  constructor(target: { host?: string; port: number }) {
    this.target = { host: target.host ?? '127.0.0.1', port: target.port };
  }

  /** The port clients connect to (fixed after the first `start`). */
  get port(): number {
    return this.boundPort;
  }

  get listening(): boolean {
    return this.server !== null;
  }

  /** Starts listening (on a free port the first time, on the same port afterwards). */
  async start(): Promise<number> {
    if (this.server) return this.boundPort;
    const server = net.createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as net.AddressInfo).port;
    return this.boundPort;
  }

  /** The service "goes down": no new connections, existing ones are cut. */
  async pause(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  resume(): Promise<number> {
    return this.start();
  }

  async close(): Promise<void> {
    await this.pause();
  }

  private pipe(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
