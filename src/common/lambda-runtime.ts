import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The newest runtime of a family (`nodejs`, `python`) that the app's aws-cdk-lib knows, chosen the
 * way cdk-nag's AwsSolutions-L1 chooses it (highest version in `Runtime.ALL`): a default that stays
 * the latest when the app upgrades aws-cdk-lib, rather than one that turns into a finding.
 */
export function latestRuntime(family: string): lambda.Runtime {
  const version = (r: lambda.Runtime) => /^[a-z]+(\d+(\.?\d+|\.x)?)?/.exec(r.name)?.[1] ?? '0';
  const known = lambda.Runtime.ALL.filter(r => r.name.startsWith(family) && /^[a-z]+\d/.test(r.name))
    .sort((a, b) => version(a).localeCompare(version(b), undefined, { numeric: true, sensitivity: 'base' }));
  const newest = known.at(-1);
  if (newest === undefined) {
    throw new Error(`aws-cdk-lib knows no Lambda runtime of the ${family} family.`);
  }
  return newest;
}
