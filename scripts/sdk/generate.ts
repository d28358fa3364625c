/**
 * `npm run sdk:generate`: writes libs/sdk/openapi.json (the gateway's OpenAPI document, built
 * without starting a server, a database or NATS) and libs/sdk/src/schema.d.ts (its types, by
 * openapi-typescript). Run by plain Node with scripts/sdk/register-ts.cjs (swc, for the decorator
 * metadata Nest's Swagger scanner reads).
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
export const SDK_DOCUMENT = path.join(root, 'libs/sdk/openapi.json');
export const SDK_TYPES = path.join(root, 'libs/sdk/src/schema.d.ts');

/** The document as committed: two-space JSON with a final newline. */
export const serializeDocument = (document: unknown) => `${JSON.stringify(document, null, 2)}\n`;

async function main(): Promise<void> {
  // The environment is validated when the gateway module loads; the document does not depend on
  // it, but a JWT secret must be present. This one is never used to sign anything.
  process.env.JWT_SECRET ||= 'openapi-document-only-0123456789-ABCDEFGHIJKLMNOP';
  const { buildOpenApiDocument } = await import('../../apps/gateway/src/openapi-document');
  const document = await buildOpenApiDocument();
  // An ES module (openapi-typescript's dependencies are ESM only): Node >= 20.19 requires it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { generateTypes } = require('./openapi-types.mjs') as {
    generateTypes: (doc: unknown) => Promise<string>;
  };
  const types = await generateTypes(document);
  mkdirSync(path.dirname(SDK_TYPES), { recursive: true });
  writeFileSync(SDK_DOCUMENT, serializeDocument(document));
  writeFileSync(SDK_TYPES, types);
  const operations = Object.values(document.paths).flatMap((item) => Object.keys(item ?? {}));
  console.log(
    `wrote ${path.relative(root, SDK_DOCUMENT)} (${operations.length} operations) and ${path.relative(root, SDK_TYPES)}`,
  );
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
