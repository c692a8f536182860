/// <reference types="node" />
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { officeMock } from './src/dev/officeMock';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tauri loads ui/dist from disk and the office server serves the same files under a
// sub-path, so every asset URL is relative (base './').
export default defineConfig({
  root,
  base: './',
  clearScreen: false,
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  // Dev only: /api is a small in-memory office (src/dev/officeMock.ts), or a real office server
  // with MOTCUA_OFFICE=http://127.0.0.1:8080 npm run dev.
  plugins: [officeMock()],
  server: {
    port: 5173,
    strictPort: true,
    host: '127.0.0.1',
    proxy: process.env.MOTCUA_OFFICE ? { '/api': process.env.MOTCUA_OFFICE } : undefined,
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
        // The kiosk webview, and the pages the office server serves at /counter and /board.
        index: resolve(root, 'index.html'),
        counter: resolve(root, 'counter.html'),
        board: resolve(root, 'board.html'),
      },
    },
  },
});
