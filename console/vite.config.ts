/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` and `vite preview` forward /v1, and the sign-in settings in /console/config.json, to the
// local stack (`make run`), or to CONSOLE_API_URL.
const apiTarget = process.env.CONSOLE_API_URL ?? 'http://127.0.0.1:3000';
const proxy = { '/v1': apiTarget, '/console/config.json': apiTarget };

// Served at https://<host>/console/ on the API's own origin, so the API is called at /v1/... directly.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  // amazon-cognito-identity-js brings the `buffer` package, written for Node's `global`.
  define: { global: 'globalThis' },
  // One vendor chunk (antd is most of it), cached after an operator's first visit; no need to warn.
  build: { outDir: 'dist', chunkSizeWarningLimit: 1600 },
  // The runbook page builds in docs/operations.md (src/runbook/RunbookPage.tsx): the dev server may read it.
  server: { proxy, fs: { allow: ['.', '../docs'] } },
  preview: { proxy },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    // A zone far from UTC makes the local/UTC date rendering observable in tests.
    env: { TZ: 'Asia/Shanghai' },
    testTimeout: 20_000,
  },
});
