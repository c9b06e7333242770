import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The gateway (HTTP queries and graphql-ws subscriptions, both on /graphql, and the session
// endpoint /auth/session) listens on 4000 and serves the built app itself; in development Vite
// serves the app and forwards those paths to it. The session cookie has no Domain attribute, so
// through the proxy it belongs to Vite's origin, as it belongs to the gateway's in production.
const gateway = 'http://127.0.0.1:4000';
const proxy = {
  '/graphql': { target: gateway, ws: true, changeOrigin: true },
  '/auth': { target: gateway, changeOrigin: true },
};

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks stay cached across releases.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/,
            },
            {
              name: 'graphql',
              test: /node_modules[\\/](@apollo|graphql|graphql-ws|graphql-tag|rxjs|@wry|optimism|tslib)/,
            },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy,
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    proxy,
  },
});
