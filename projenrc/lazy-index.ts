/**
 * Makes the compiled entry point (lib/index.js) load each module on first use of one of its
 * exports, the way aws-cdk-lib loads its submodules: a CDK app that uses one environment then
 * loads that environment's code and not the blueprints, projen, the pipelines or the platform.
 *
 * TypeScript compiles each `export { X } from './y'` of src/index.ts into
 *   var y_1 = require("./y");
 *   Object.defineProperty(exports, "X", { enumerable: true, get: function () { return y_1.X; } });
 * and this rewrites the first line into a function that requires on first call, and each getter
 * into a call of it. Anything else that requires a module stops the build: the rewrite must
 * cover every module the entry point loads.
 *
 * Usage: ts-node projenrc/lazy-index.ts lib/index.js
 */
import * as fs from 'fs';

export function lazify(source: string): string {
  const modules: string[] = [];
  let out = source.replace(/^var (\w+) = require\("(\.[^"]+)"\);$/gm, (_, name: string, path: string) => {
    modules.push(name);
    return `var ${name}_loaded;\nfunction ${name}() { return ${name}_loaded !== undefined ? ${name}_loaded : (${name}_loaded = require(${JSON.stringify(path)})); }`;
  });
  for (const name of modules) {
    out = out.replace(new RegExp(`return ${name}\\.(\\w+); }`, 'g'), `return ${name}().$1; }`);
  }
  const eager = out.split('\n').filter(line => /require\(/.test(line) && !/_loaded = require\(/.test(line));
  if (eager.length > 0) {
    throw new Error(`lazy-index: lines of the entry point that still load a module eagerly: ${eager.join(' | ')}`);
  }
  const stale = modules.filter(name => new RegExp(`\\b${name}\\.\\w`).test(out));
  if (stale.length > 0) {
    throw new Error(`lazy-index: modules used other than through a getter: ${stale.join(', ')}`);
  }
  return out;
}

if (require.main === module) {
  const file = process.argv[2];
  const source = fs.readFileSync(file, 'utf8');
  // Idempotent: a second run finds nothing left to rewrite.
  fs.writeFileSync(file, source.includes('_loaded = require(') ? source : lazify(source));
}
