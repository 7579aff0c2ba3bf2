/**
 * How each language's package client says that its registry does not serve an artifact. A
 * binding check that fails this way is reported as skipped, naming the artifact; any other
 * failure is a failure.
 */
export const NOT_SERVED = {
  python: [
    /No matching distribution found for ([^\s]+)/,
    /Could not find a version that satisfies the requirement ([^\s]+)/,
  ],
  java: [
    /Could not find artifact ([^\s]+)/,
    /Failure to find ([^\s]+)/,
    /The following artifacts could not be resolved: ([^\s,]+)/,
    /Plugin ([^\s]+) or one of its dependencies could not be resolved/,
  ],
  go: [
    /([\w./-]+@v[\w.+-]+): reading \S+: (?:403|404|410)/,
    /module ([\w./-]+): reading \S+: (?:403|404|410)/,
  ],
};

/** The artifact a failed command's output says is not served, if that is why it failed. */
export function missingArtifact(language: keyof typeof NOT_SERVED, output: string): string | undefined {
  for (const pattern of NOT_SERVED[language]) {
    const match = pattern.exec(output);
    if (match) {
      return match[1];
    }
  }
  return undefined;
}
