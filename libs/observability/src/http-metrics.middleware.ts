import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from './metrics';

/**
 * Times every HTTP request, labelled by the matched route template (`/api/v1/jobs/:id`), never
 * the raw URL, so ids do not explode the label set; unmatched requests share one label.
 */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const end = httpRequestDuration.startTimer();
  res.on('finish', () => {
    const template = (req.route as { path?: string } | undefined)?.path;
    const route = template ? `${req.baseUrl}${template}` : 'unmatched';
    end({ method: req.method, route, status: String(res.statusCode) });
  });
  next();
}
