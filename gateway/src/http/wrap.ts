import type { Request, RequestHandler, Response } from 'express';

/** An async route handler whose rejection goes to express's error handler (one JSON error shape for all). */
export const wrap =
  (fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };
