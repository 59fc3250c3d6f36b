import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** Paths the web UI never answers: the registry, the REST API, the token service, health and metrics. */
const RESERVED = /^\/(v2|api|jwt|-|metrics)(\/|$)/;

/** apps/web/dist, next to this package's dist (apps/api/dist/web → apps/web/dist). */
export const DEFAULT_WEB_DIST = path.resolve(__dirname, '../../../web/dist');

/**
 * Requests the app cannot answer with index.html when no file matches: fingerprinted assets and the usual
 * static file types. Other dotted paths are client routes (a project `team/my.app`, a user `john.doe`).
 */
const STATIC_FILE = /^\/assets\/|\.(?:js|mjs|css|map|png|jpe?g|gif|svg|ico|webp|woff2?|ttf|txt|json|webmanifest|html)$/i;

const MISSING_NOTE = 'The cargohold web UI is not built (apps/web/dist is missing): run `pnpm build`. The APIs work as usual.\n';

/**
 * The built single-page app: static assets, and index.html for every other GET that is not an API path
 * (client-side routes), with a CSP that allows only this origin's scripts, styles and API.
 */
export function staticSite(distDir: string, https: boolean): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: https ? { maxAge: 15552000 } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
  const assets = express.static(distDir, {
    index: false,
    fallthrough: true,
    setHeaders: (res, file) => {
      // Vite fingerprints everything under assets/; the rest (index.html) must be revalidated.
      res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const indexFile = path.join(distDir, 'index.html');

  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || RESERVED.test(req.path)) return next();
    headers(req, res, (error?: unknown) => {
      if (error) return next(error);
      assets(req, res, () => {
        // A missing static file (/assets/x.js, /favicon.ico) is a 404, not the app.
        if (STATIC_FILE.test(req.path)) return next();
        if (!existsSync(indexFile)) {
          res.status(200).type('text/plain').send(MISSING_NOTE);
          return;
        }
        res.setHeader('Cache-Control', 'no-cache');
        res.type('html').send(readFileSync(indexFile));
      });
    });
  };
}
