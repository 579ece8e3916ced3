import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built into the repository's dist/, next to the compiled broker that serves it at /console/.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // The CSP allows no inline script or data: module; keep every asset a file.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
});
