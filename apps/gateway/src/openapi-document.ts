import type { OpenAPIObject } from '@nestjs/swagger';
import { NestFactory } from '@nestjs/core';
import { createOpenApiDocument, setGatewayPrefix } from './configure-app';

/**
 * The gateway's OpenAPI document without a server, a database or NATS: Nest's preview mode reads
 * the modules, controllers and decorators but instantiates no provider (no factory runs, so no
 * connection is made). The same document as the running gateway serves at /docs-json (the OpenAPI
 * test checks that). The environment is still validated when the module loads: JWT_SECRET must
 * be set (scripts/sdk/generate.ts sets a throwaway one when it is not).
 */
export async function buildOpenApiDocument(): Promise<OpenAPIObject> {
  const { GatewayModule } = await import('./gateway.module');
  const app = await NestFactory.create(GatewayModule, {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    setGatewayPrefix(app);
    return createOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
