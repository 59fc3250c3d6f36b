import { defineConfig } from 'vite';

// React's JSX through esbuild's automatic runtime (no @vitejs/plugin-react: its current major needs Vite 8).
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2020' },
  server: {
    // `npx vite` in apps/web during development: the API runs on :5000.
    proxy: { '/api': 'http://127.0.0.1:5000' },
  },
});
