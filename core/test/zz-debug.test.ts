import { bootTestKernel } from '@elevate/sdk/testkit';
import { projects } from '@elevate-fixture/projects';
import { it } from 'vitest';
it('close timing', async () => {
  for (const mode of ['none', 'abort', 'open']) {
    const env = await bootTestKernel({ addons: [projects] });
    const a = await env.tenant('x', { enable: ['projects'] });
    const ac = new AbortController();
    if (mode !== 'none') {
      const res = await fetch(`${env.url}/api/v1/core/live`, { headers: { authorization: `Bearer ${a.client.token}` }, signal: ac.signal });
      const r = res.body!.getReader();
      await r.read();
      if (mode === 'abort') { ac.abort(); await new Promise((r) => setTimeout(r, 200)); }
    }
    const t0 = Date.now();
    await env.close();
    process.stderr.write(`TIMING ${mode} ${Date.now() - t0}\n`);
    ac.abort();
  }
}, 60000);
