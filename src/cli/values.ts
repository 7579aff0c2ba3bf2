import { Template } from './assembly';

/** What a template value is at synth time, as far as it can be known. */
export type Known<T> = { readonly known: true; readonly value: T } | { readonly known: false; readonly why: string };

/**
 * Resolves a template value to a literal where the template alone decides it: literals, and
 * `Ref` to a parameter with a default. Anything else (attributes, lookups, imports) is unknown
 * until deployment, and says why.
 */
export function resolve(template: Template, value: unknown): Known<unknown> {
  if (value === undefined || value === null || typeof value !== 'object') {
    return { known: true, value };
  }
  if (Array.isArray(value)) {
    const items = value.map(v => resolve(template, v));
    const unknown = items.find(i => !i.known);
    return unknown ?? { known: true, value: items.map(i => (i as { value: unknown }).value) };
  }
  const v = value as Record<string, any>;
  if (typeof v.Ref === 'string') {
    const parameter = template.Parameters?.[v.Ref];
    if (parameter && parameter.Default !== undefined) {
      return { known: true, value: parameter.Default };
    }
    return { known: false, why: `it refers to ${v.Ref}, known only once deployed` };
  }
  const fn = Object.keys(v).find(k => k.startsWith('Fn::'));
  return { known: false, why: fn ? `it is computed by ${fn} at deployment` : 'it is not a literal' };
}

/** A resolved number, or undefined when unknown or not numeric. */
export function knownNumber(template: Template, value: unknown): number | undefined {
  const r = resolve(template, value);
  if (!r.known || r.value === undefined) return undefined;
  const n = typeof r.value === 'number' ? r.value : Number(r.value);
  return Number.isFinite(n) ? n : undefined;
}

/** A resolved string, or undefined when unknown. */
export function knownString(template: Template, value: unknown): string | undefined {
  const r = resolve(template, value);
  return r.known && typeof r.value === 'string' ? r.value : undefined;
}

/** The logical id a `Ref` or `Fn::GetAtt` points at, if it is one. */
export function referencedId(value: unknown): string | undefined {
  const v = value as Record<string, any> | undefined;
  if (v && typeof v.Ref === 'string') return v.Ref;
  if (v && Array.isArray(v['Fn::GetAtt'])) return v['Fn::GetAtt'][0];
  return undefined;
}
