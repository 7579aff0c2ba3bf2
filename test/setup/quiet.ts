/**
 * Jest set-up of every test file: what a user's synthesis of our constructs would print and we
 * could avoid (aws-cdk-lib's CloudFormation validation report, a jsii deprecation warning of an
 * API we call) fails the test that printed it, so none creeps back in. Tests whose synthesis
 * must print such a warning on purpose expect it with `expectLoudOutput`.
 */
// aws-cdk-lib ends every printed validation report with where its copy is (a warnings-only
// report has no other fixed line); jsii prints deprecations of the APIs a construct calls.
const LOUD = [/A copy of this report can be found in/, /Template validation found issues/, /\[WARNING\] \S+ is deprecated/];

let heard: string[] = [];
let expected: RegExp[] = [];

for (const level of ['log', 'warn', 'error'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    const text = args.map(a => (a instanceof Error ? a.message : String(a))).join(' ');
    if (LOUD.some(r => r.test(text)) && !expected.some(r => r.test(text))) {
      heard.push(text.trim().split('\n').slice(0, 6).join('\n'));
    }
    original(...args);
  };
}

/** Lets the running test print output matching `pattern` (a warning it provokes on purpose). */
export function expectLoudOutput(pattern: RegExp): void {
  expected.push(pattern);
}

afterEach(() => {
  const printed = heard;
  heard = [];
  expected = [];
  if (printed.length > 0) {
    throw new Error(`The test printed ${printed.length} warning(s) a user's synthesis would print; fix the cause:\n${printed.join('\n---\n')}`);
  }
});
