/**
 * Synth time and template size of the environment constructs. Prints one line per case:
 * median and min of N in-process syntheses, resource count and template bytes.
 *
 *   npx projen bench            (BENCH_RUNS=10 by default)
 */
import { App, Stack } from 'aws-cdk-lib';
import { EcsEnvironment, HarmonixEnvironmentBaseProps, ServerlessEnvironment } from '../src';

const runs = Number(process.env.BENCH_RUNS ?? 10);
const env = { account: '111111111111', region: 'eu-west-1' };
const context = { 'availability-zones:account=111111111111:region=eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] };
const props: HarmonixEnvironmentBaseProps = {
  environmentName: 'bench',
  provisioningTrustedRoleArns: ['arn:aws:iam::222222222222:role/pipeline'],
  operationsTrustedRoleArns: ['arn:aws:iam::222222222222:role/backstage'],
};
const certificateArn = 'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000';

const cases: Array<[string, (stack: Stack) => void]> = [
  ['ServerlessEnvironment (no VPC)', s => new ServerlessEnvironment(s, 'Env', props)],
  ['ServerlessEnvironment (VPC)', s => new ServerlessEnvironment(s, 'Env', { ...props, createVpc: true })],
  ['EcsEnvironment (defaults)', s => new EcsEnvironment(s, 'Env', props)],
  ['EcsEnvironment (3 AZ, HA NAT, shared ALB)', s => new EcsEnvironment(s, 'Env', {
    ...props, maxAzs: 3, natGateways: 3, sharedLoadBalancer: { certificateArn },
  })],
];

console.log(`synth benchmark, ${runs} runs per case, Node ${process.version}`);
console.log(['case'.padEnd(44), 'median ms', '   min ms', 'resources', '   bytes'].join('  '));
for (const [name, build] of cases) {
  const times: number[] = [];
  let resources = 0;
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const app = new App({ context });
    const stack = new Stack(app, 'Bench', { env });
    build(stack);
    const template = app.synth().getStackByName('Bench').template;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    resources = Object.keys(template.Resources).length;
    bytes = JSON.stringify(template).length;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log([name.padEnd(44), median.toFixed(0).padStart(9), times[0].toFixed(0).padStart(9),
    String(resources).padStart(9), String(bytes).padStart(8)].join('  '));
}
