/* global require, __dirname -- a Node require hook, CommonJS by nature */
/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Lets plain Node run the project's TypeScript with decorator metadata (which tsx/esbuild do not
 * emit, and which Nest's Swagger scanner reads): each .ts file is compiled with swc, the same
 * settings as Jest, and `@app/<lib>` resolves to libs/<lib>/src. The NestJS 12 packages are ES
 * modules, which Node >= 20.19 loads through require(esm).
 */
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '../..');

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const alias = /^@app\/([a-z-]+)(\/.*)?$/.exec(request);
  if (alias) request = path.join(root, 'libs', alias[1], 'src', alias[2] ?? '');
  return resolve.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = function (module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
