import { INestApplication, RequestMethod } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { raw } from 'express';
import helmet from 'helmet';
import { httpMetricsMiddleware } from '@app/observability';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { createValidationPipe } from './common/validation.pipe';
import { serveStudio } from './studio/serve-studio';

export const API_PREFIX = 'api/v1';

/** Everything main.ts and the e2e tests share: prefix, pipes, filters, limits, Swagger. */
export function configureGatewayApp(app: INestApplication): OpenAPIObject {
  const config = app.get(ConfigService);
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  express.set('trust proxy', 'loopback');
  express.use(httpMetricsMiddleware);
  // Swagger UI needs inline scripts and styles; everything else gets helmet's defaults.
  express.use(helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false }));
  const origins = config
    .getOrThrow<string>('CORS_ORIGINS')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.length)
    express.enableCors({ origin: origins, exposedHeaders: ['Retry-After', 'Content-Range'] });
  const limit = config.getOrThrow<number>('MAX_BODY_BYTES');
  // Stripe signs the exact bytes it sends: its webhook gets them raw (a Buffer), unparsed.
  express.use(`/${API_PREFIX}/billing/webhooks/stripe`, raw({ type: () => true, limit }));
  express.useBodyParser('json', { limit });
  express.useBodyParser('urlencoded', { limit, extended: false });
  setGatewayPrefix(app);
  // The web app at / (static files built from apps/studio), around the API, not in it.
  serveStudio(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  const document = createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return document;
}

/** `/api/v1` in front of every route but the probes and the metrics. */
export function setGatewayPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
}

/**
 * The OpenAPI document of an app with the gateway's prefix set: what /docs-json serves and what
 * libs/sdk is generated from (`npm run sdk:generate`, through buildOpenApiDocument). Operation
 * ids come from each `@ApiOperation({ operationId })`, written out by hand: they are the SDK's
 * method names. A route without one gets Nest's `Controller_method`, which the OpenAPI test
 * refuses.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(app, buildOpenApiConfig());
}

export function buildOpenApiConfig() {
  return new DocumentBuilder()
    .setTitle('Video Mixer Pro API')
    .setDescription(
      'Upload clips into ordered groups, ask for N videos, get N distinct finished videos. ' +
        'Authenticate with `Authorization: Bearer <JWT>` (POST /api/v1/auth/login) or `X-API-Key`. ' +
        'An API key holds scopes (read, write, jobs, billing); each operation names the one it ' +
        'needs in `x-required-scopes` (a JWT holds all), and key management takes a JWT only. ' +
        'Errors are {statusCode, error, message, details?}. ' +
        'Payments: credits and licences are bought through Stripe Checkout (POST /api/v1/billing/checkout) ' +
        'and credited by signed Stripe webhooks (PAYMENTS_PROVIDER=stripe). POST /api/v1/billing/purchase ' +
        'exists only for local demos (PAYMENTS_PROVIDER=dev with NODE_ENV development or test) and answers 404 otherwise. ' +
        'Operators (role ADMIN) manage users, credits, licences and read the audit log under /api/v1/admin.',
    )
    .setVersion('1.0')
    .addServer('/')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'apiKey')
    .build();
}
