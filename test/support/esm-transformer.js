/**
 * Jest transformer for the NestJS 12 packages, which ship as ES modules only. Node 20.19+ loads
 * them from our CommonJS build through require(esm), but Jest's module runtime cannot (only on
 * Node >= 24.9), so under Jest they are compiled to CommonJS with swc. `import.meta` has no
 * CommonJS form, so its few uses (all createRequire/dirname look-ups) are rewritten first.
 */
const { createTransformer } = require('@swc/jest');

const swc = createTransformer({
  jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' },
  module: { type: 'commonjs', ignoreDynamic: false },
});

function rewriteImportMeta(source) {
  return source
    .replace(/^\s*const require = createRequire\(import\.meta\.url\);\s*$/m, '')
    .replace(/createRequire\(import\.meta\.url\)/g, 'require')
    .replace(/import\.meta\.resolve\(/g, 'require.resolve(')
    .replace(/import\.meta\.dirname/g, '__dirname')
    .replace(/import\.meta\.filename/g, '__filename')
    .replace(/import\.meta\.url/g, "require('node:url').pathToFileURL(__filename).href");
}

module.exports = {
  process(source, filename, options) {
    return swc.process(rewriteImportMeta(source), filename, options);
  },
  getCacheKey(source, filename, options) {
    return swc.getCacheKey(rewriteImportMeta(source), filename, options) + ':esm-v1';
  },
};
