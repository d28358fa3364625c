import { existsSync } from 'node:fs';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Paths that stay the API's (and Swagger's, the probes', the metrics'): never the studio. */
const NOT_STUDIO = /^\/(api|docs|health|metrics)(\/|-|$)/;
/** Vite writes content-hashed file names here: they never change, so they are cached for a year. */
const HASHED = /^\/assets\//;

/** Where `npm run build` writes the studio (apps/studio/vite.config.mts); STUDIO_DIR overrides. */
export function studioDir(): string {
  return path.resolve(process.env.STUDIO_DIR ?? path.join(process.cwd(), 'dist/studio'));
}

/**
 * The studio (apps/studio) as static files at `/`: hashed assets with a year-long immutable
 * cache, index.html revalidated on every load (no-cache), and index.html for any other GET of a
 * page path (the studio routes in the browser). /api, /docs, /health and /metrics are untouched.
 * Without a build (dist/studio missing) nothing is served and a warning says so.
 */
export function serveStudio(app: INestApplication, dir = studioDir()): void {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) {
    new Logger('Studio').warn(
      `${index} is missing: the studio is not served (npm run build makes it)`,
    );
    return;
  }
  const files = express.static(dir, {
    index: false,
    cacheControl: false,
    dotfiles: 'ignore',
    setHeaders(res, file) {
      const rel = `/${path.relative(dir, file).split(path.sep).join('/')}`;
      res.setHeader(
        'Cache-Control',
        HASHED.test(rel) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const sendIndex = (res: Response) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  (app as NestExpressApplication).use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_STUDIO.test(req.path)) return next();
    if (req.path === '/' || req.path === '/index.html') return sendIndex(res);
    files(req, res, () => {
      // A missing hashed asset is a 404, never the page (a browser would run HTML as a script).
      if (HASHED.test(req.path) || path.extname(req.path)) return next();
      sendIndex(res);
    });
  });
}
