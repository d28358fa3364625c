import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildOpenApiDocument } from '../../apps/gateway/src/openapi-document';
import { SDK_DOCUMENT, SDK_TYPES, serializeDocument } from '../../scripts/sdk/generate';

/**
 * CI's drift check: libs/sdk holds the document and the types of the API as it is. Built here
 * exactly as `npm run sdk:generate` builds them (the document without servers, the types by
 * openapi-typescript's openapiTS + astToString), in memory, and compared with the committed files.
 */

// openapi-typescript runs in a child Node process: seconds each, more on a loaded machine.
jest.setTimeout(60_000);

const root = path.resolve(__dirname, '../..');
const TYPES_SCRIPT = path.join(root, 'scripts/sdk/openapi-types.mjs');
const FIX = 'run npm run sdk:generate and commit libs/sdk';

/**
 * The types of a document, by scripts/sdk/openapi-types.mjs in a child Node process:
 * openapi-typescript's dependencies are ES modules only, which Jest's CommonJS loader refuses.
 */
function generateTypes(document: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--no-warnings', TYPES_SCRIPT],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`openapi-typescript failed: ${stderr || error.message}`))
          : resolve(stdout),
    );
    child.stdin!.end(JSON.stringify(document));
  });
}

/** Fails with the fix and the first line that differs. */
function expectSame(file: string, live: string, committed: string): void {
  if (live === committed) return;
  const a = committed.split('\n');
  const b = live.split('\n');
  const line = a.findIndex((l, i) => l !== b[i]);
  const at = line < 0 ? a.length : line;
  throw new Error(
    `${path.relative(root, file)} differs from the API (${FIX}).\n` +
      `line ${at + 1}: committed ${JSON.stringify(a[at])}, live ${JSON.stringify(b[at])}`,
  );
}

let live: Awaited<ReturnType<typeof buildOpenApiDocument>>;
beforeAll(async () => {
  live = await buildOpenApiDocument();
});

describe('the SDK in libs/sdk', () => {
  it('holds the live OpenAPI document', () => {
    expectSame(SDK_DOCUMENT, serializeDocument(live), readFileSync(SDK_DOCUMENT, 'utf8'));
  });

  it('holds the types openapi-typescript makes of the live document', async () => {
    expectSame(SDK_TYPES, await generateTypes(live), readFileSync(SDK_TYPES, 'utf8'));
  });

  it('fails the check, naming the fix, when the API gains or loses an operation', async () => {
    const changed = structuredClone(live) as typeof live & { paths: Record<string, unknown> };
    delete changed.paths['/api/v1/jobs/{id}'];
    const committed = readFileSync(SDK_TYPES, 'utf8');
    const types = await generateTypes(changed);
    expect(() => expectSame(SDK_TYPES, types, committed)).toThrow(
      /libs\/sdk\/src\/schema\.d\.ts differs from the API \(run npm run sdk:generate/,
    );
    expect(() =>
      expectSame(SDK_DOCUMENT, serializeDocument(changed), readFileSync(SDK_DOCUMENT, 'utf8')),
    ).toThrow(/openapi\.json differs/);
  });

  it('imports nothing of Node (the studio bundles it for browsers)', () => {
    const src = path.join(root, 'libs/sdk/src');
    const imports = readdirSync(src)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) =>
        [...readFileSync(path.join(src, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]),
      );
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((m) => m !== 'openapi-fetch' && !m.startsWith('./'))).toEqual([]);
  });
});
