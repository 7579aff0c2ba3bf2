import { DESCRIPTOR_PARAMETER_PREFIX } from '../common/naming';

/**
 * Reads one object of a descriptor document, field by field, and throws one sentence naming the
 * first field that is missing or of the wrong type. Fields it is not asked for are ignored, so a
 * reader accepts documents that a newer writer extended.
 */
export class DescriptorReader {
  constructor(private readonly where: string, private readonly doc: Record<string, unknown>, private readonly path = '') {}

  /** A required non-empty string. */
  public str(key: string): string {
    const v = this.doc[key];
    return typeof v === 'string' && v.length > 0 ? v : this.fail(key, 'a non-empty string');
  }

  /** A string that may be empty. */
  public text(key: string): string {
    const v = this.doc[key];
    return typeof v === 'string' ? v : this.fail(key, 'a string');
  }

  /** An optional non-empty string. */
  public optStr(key: string): string | undefined {
    return this.isAbsent(key) ? undefined : this.str(key);
  }

  /** A required list of strings. */
  public strs(key: string): string[] {
    const v = this.doc[key];
    return Array.isArray(v) && v.every(x => typeof x === 'string' && x.length > 0) ? [...v as string[]] : this.fail(key, 'a list of non-empty strings');
  }

  /** An optional list of strings. */
  public optStrs(key: string): string[] | undefined {
    return this.isAbsent(key) ? undefined : this.strs(key);
  }

  /** A required whole number from min on. */
  public int(key: string, min: number): number {
    const v = this.doc[key];
    return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : this.fail(key, `a whole number of ${min} or more`);
  }

  /** A required boolean. */
  public bool(key: string): boolean {
    const v = this.doc[key];
    return typeof v === 'boolean' ? v : this.fail(key, 'true or false');
  }

  /** An optional boolean. */
  public optBool(key: string): boolean | undefined {
    return this.isAbsent(key) ? undefined : this.bool(key);
  }

  /** A required string out of a closed set. */
  public oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.str(key);
    return values.includes(v as T) ? v as T : this.fail(key, `one of ${values.join(', ')}`);
  }

  /** An optional nested object, read by `read`. */
  public optObj<T>(key: string, read: (reader: DescriptorReader) => T): T | undefined {
    if (this.isAbsent(key)) {
      return undefined;
    }
    const v = this.doc[key];
    if (!isJsonObject(v)) {
      this.fail(key, 'an object');
    }
    return read(new DescriptorReader(this.where, v as Record<string, unknown>, `${this.path}${key}.`));
  }

  /** A required list of objects, each read by `read` (the list may be empty). */
  public objs<T>(key: string, read: (reader: DescriptorReader) => T): T[] {
    const v = this.doc[key];
    if (!Array.isArray(v) || !v.every(isJsonObject)) {
      this.fail(key, 'a list of objects');
    }
    return (v as Array<Record<string, unknown>>).map((item, i) => read(new DescriptorReader(this.where, item, `${this.path}${key}[${i}].`)));
  }

  /** Throws the error for a field of this object. */
  public fail(key: string, expected: string): never {
    throw new Error(`${this.where}: the environment descriptor field \`${this.path}${key}\` must be ${expected}; read it again from ${DESCRIPTOR_PARAMETER_PREFIX}<name>.`);
  }

  private isAbsent(key: string): boolean {
    return this.doc[key] === undefined || this.doc[key] === null;
  }
}

/** True for a JSON object (not an array, not null). */
export function isJsonObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
