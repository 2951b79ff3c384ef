import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is built once and loaded from a custom protocol (Electron) or the e2e test host, hence relative
// asset URLs. Everything is bundled: no remote fonts, images or scripts (DESIGN §1 A5), and no inline script or
// style, so the strict CSP (script-src 'self'; style-src 'self') holds.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    // Relative to `root` (this folder): the repository's dist/renderer.
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    // One bundle, loaded from the local disk by a desktop app: the taxonomies and mechanism templates (four
    // languages each) make it larger than Vite's web-oriented 500 kB warning, and splitting would gain nothing.
    chunkSizeWarningLimit: 2000,
  },
});
