import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';
import { addonWeb } from './scripts/addon-web.plugin.ts';

export default defineConfig({
  plugins: [
    addonWeb(import.meta.dirname),
    tailwindcss(),
    sveltekit({ adapter: adapter({ envPrefix: 'ELEVATE_WEB_' }) }),
  ],
});
