import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';
import { addonWeb } from './scripts/addon-web.plugin.ts';

/**
 * The inline scripts of src/app.html (theme before first paint, time zone cookie), hashed: SvelteKit
 * hashes the inline scripts it generates itself, not those of the template. Computed from the file
 * at build time, so editing the script cannot leave a stale hash behind.
 */
function appHtmlScriptHashes(): `sha256-${string}`[] {
  const html = readFileSync(new URL('./src/app.html', import.meta.url), 'utf8');
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    (m) =>
      `sha256-${createHash('sha256')
        .update(m[1] ?? '')
        .digest('base64')}` as const,
  );
}

export default defineConfig({
  plugins: [
    ...addonWeb(import.meta.dirname),
    tailwindcss(),
    sveltekit({
      adapter: adapter({ envPrefix: 'ELEVATE_WEB_' }),
      // The Content-Security-Policy of every page (docs/security.md). Scripts: the app's own files and
      // hashed inline scripts only. Styles may be inline (Svelte's style attributes and transitions).
      csp: {
        mode: 'hash',
        directives: {
          'default-src': ['self'],
          'script-src': ['self', ...appHtmlScriptHashes()],
          'style-src': ['self', 'unsafe-inline'],
          'img-src': ['self', 'data:', 'blob:'],
          'font-src': ['self', 'data:'],
          'connect-src': ['self'],
          'object-src': ['none'],
          'base-uri': ['self'],
          'form-action': ['self'],
          'frame-ancestors': ['none'],
        },
      },
    }),
  ],
});
