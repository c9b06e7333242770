/**
 * Serves the built app on `/`: real files from the dist folder, and index.html for any other GET
 * that asks for HTML (client-side routes), so a reload on /datasets works.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import type { Logger } from '@platform/runtime';

export function serveApp(app: Express, dist: string, logger: Logger): boolean {
  const index = join(dist, 'index.html');
  if (!existsSync(index)) {
    logger.warn(
      { dist },
      'no built app found; serving the API only (run `npm run build -w client`)',
    );
    return false;
  }
  app.use(express.static(dist, { index: false, maxAge: '1h', fallthrough: true }));
  app.get(/^\/(?!graphql|metrics|healthz|readyz).*/, (req, res, next) => {
    if (!req.accepts('html')) return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}
