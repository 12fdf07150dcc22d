import http from 'node:http';

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** A closed-loop load generator: `concurrency` keep-alive connections for `ms` milliseconds. */
export async function load(
  url: string | (() => string),
  opts: {
    concurrency: number;
    ms: number;
    headers?: Record<string, string>;
    method?: string;
    body?: string | (() => string);
  },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + opts.ms;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.request(
        typeof url === 'string' ? url : url(),
        { agent, method: opts.method ?? 'GET', headers: opts.headers },
        (res) => {
          res.resume();
          res.on('end', () => {
            if ((res.statusCode ?? 500) >= 400) errors += 1;
            latencies.push(performance.now() - t0);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      if (opts.body) req.write(typeof opts.body === 'string' ? opts.body : opts.body());
      req.end();
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  const elapsed = performance.now() - t0;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return {
    requests: latencies.length,
    rps: Math.round((latencies.length / elapsed) * 1000),
    p50: Math.round(pct(0.5) * 100) / 100,
    p99: Math.round(pct(0.99) * 100) / 100,
    errors,
  };
}
