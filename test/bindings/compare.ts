/**
 * Compares CloudFormation templates synthesized by a binding app with the TypeScript example's.
 * Only metadata and asset hashes may differ: construct metadata, the CDK analytics resource and
 * its condition, and S3 keys named after asset hashes. Anything else is a difference.
 */

export type Template = Record<string, any>;

const ASSET_HASH = /^[0-9a-f]{64}(\.[a-z]+)?$/;

/** Removes what may differ between languages; returns a copy. */
export function normalizeTemplate(template: Template): Template {
  const copy = JSON.parse(JSON.stringify(template));
  for (const [id, resource] of Object.entries<any>(copy.Resources ?? {})) {
    if (resource.Type === 'AWS::CDK::Metadata') {
      delete copy.Resources[id];
      continue;
    }
    delete resource.Metadata;
  }
  delete copy.Conditions?.CDKMetadataAvailable;
  if (copy.Conditions && Object.keys(copy.Conditions).length === 0) {
    delete copy.Conditions;
  }
  return maskAssetHashes(copy);
}

function maskAssetHashes(value: unknown): any {
  if (typeof value === 'string') {
    return ASSET_HASH.test(value) ? '<asset-hash>' : value;
  }
  if (Array.isArray(value)) {
    return value.map(maskAssetHashes);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAssetHashes(v)]));
  }
  return value;
}

/** Every difference between two normalized templates, as `path: expected ... got ...`. */
export function templateDifferences(expected: Template, actual: Template): string[] {
  const out: string[] = [];
  diff(normalizeTemplate(expected), normalizeTemplate(actual), '', out);
  return out;
}

function diff(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (expected === actual) return;
  const bothObjects = expected && actual && typeof expected === 'object' && typeof actual === 'object';
  if (!bothObjects || Array.isArray(expected) !== Array.isArray(actual)) {
    out.push(`${path || '/'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    return;
  }
  if (Array.isArray(expected)) {
    const act = actual as unknown[];
    if (expected.length !== act.length) {
      out.push(`${path}: expected ${expected.length} items, got ${act.length}`);
    }
    for (let i = 0; i < Math.min(expected.length, act.length); i++) {
      diff(expected[i], act[i], `${path}/${i}`, out);
    }
    return;
  }
  const exp = expected as Record<string, unknown>;
  const act = actual as Record<string, unknown>;
  for (const key of new Set([...Object.keys(exp), ...Object.keys(act)])) {
    if (!(key in act)) out.push(`${path}/${key}: missing`);
    else if (!(key in exp)) out.push(`${path}/${key}: unexpected ${JSON.stringify(act[key])}`);
    else diff(exp[key], act[key], `${path}/${key}`, out);
  }
}
