/// <reference types="node" />
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tauri loads ui/dist from disk and the office server serves the same files under a
// sub-path, so every asset URL is relative (base './').
export default defineConfig({
  root,
  base: './',
  clearScreen: false,
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  server: {
    port: 5173,
    strictPort: true,
    host: '127.0.0.1',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK (Linux kiosks) and WebView2 (Windows) of the Tauri 2 era.
    target: ['es2021', 'chrome105', 'safari15'],
    // The fonts are bundled as files; never inline them as data: URLs.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    rollupOptions: {
      input: {
        // More entry points (counter.html, board.html for the office server) go here.
        index: resolve(root, 'index.html'),
      },
    },
  },
});
