import { defineConfig } from 'vite';

// The renderer is a static bundle loaded from file:// in Electron and from the browser-mode
// server otherwise, so asset paths are relative.
export default defineConfig({
  root: 'renderer',
  base: './',
  build: { outDir: '../dist/renderer', emptyOutDir: true, chunkSizeWarningLimit: 2000, sourcemap: true, minify: !process.env.NO_MINIFY },
});
