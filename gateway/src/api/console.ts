// The web console's static files (built by `npm run build` into dist/console) and the headers every answer carries.
import express, { type RequestHandler } from 'express';
import { repoPath } from '@dmsnet/formats/paths';

/** Where `npm run build` puts the console. */
export const CONSOLE_DIR = repoPath('dist', 'console');

/**
 * The console loads only its own scripts and styles and talks only to this origin; no page may frame it
 * (clickjacking) and nothing is guessed from content (nosniff). Images may also come from `blob:` URLs the page made
 * itself: the expert's preview of a scanned medical document, fetched with the session and shown without a plugin.
 */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
      "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  next();
};

/** Serves the console at / (hash routes, so index.html is the only page); /v1 is left to the API. */
export function consoleStatic(dir: string): RequestHandler {
  const files = express.static(dir, { index: 'index.html', fallthrough: true, maxAge: 0 });
  return (req, res, next) => {
    if (req.path.startsWith('/v1/') || req.path === '/v1') return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    files(req, res, next);
  };
}
