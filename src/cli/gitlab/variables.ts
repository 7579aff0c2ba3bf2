/**
 * CI/CD variables as GitLab masks them. A masked value must be one line of at least 8 characters,
 * letters and digits and only `@ _ - : +` besides (GitLab's rule since 17.x; the older Base64 rule
 * accepts every such value too).
 */
const MASKABLE = /^[A-Za-z0-9@_\-:+]{8,}$/;

/** Why GitLab could not mask a value, or undefined when it can. */
export function unmaskableReason(value: string): string | undefined {
  if (/[\r\n]/.test(value)) return 'it spans more than one line';
  if (/\s/.test(value)) return 'it holds a space';
  if (value.length < 8) return 'it is shorter than 8 characters';
  if (!MASKABLE.test(value)) return 'it holds characters other than letters, digits and @ _ - : +';
  return undefined;
}

/** A CI/CD variable key as GitLab accepts it: letters, digits and underscores, at most 255. */
export function isVariableKey(key: string): boolean {
  return /^[A-Za-z0-9_]{1,255}$/.test(key);
}
