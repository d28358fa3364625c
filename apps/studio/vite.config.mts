import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The studio: built into dist/studio (served by the gateway at /), hashed file names under
 * assets/. No React plugin: Vite's own transform handles JSX (automatic runtime).
 */
const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  resolve: { alias: { '@app/sdk': path.resolve(here, '../../libs/sdk/src/index.ts') } },
  build: {
    outDir: path.resolve(here, '../../dist/studio'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
