/**
 * Synth time and template size of the environment constructs, and the idle cost drivers of an
 * ECS environment for each NAT choice. Prints one line per case: median and min of N in-process
 * syntheses, resource count and template bytes; then the priced resources of each configuration.
 *
 *   npx projen bench            (BENCH_RUNS=10 by default)
 */
import { App, Stack } from 'aws-cdk-lib';
import { EcsEnvironment, HarmonixEnvironmentBaseProps, NatProviderType, ServerlessEnvironment } from '../src';

const runs = Number(process.env.BENCH_RUNS ?? 10);
const env = { account: '111111111111', region: 'eu-west-1' };
const context = { 'availability-zones:account=111111111111:region=eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] };
const props: HarmonixEnvironmentBaseProps = {
  environmentName: 'bench',
  provisioningTrustedRoleArns: ['arn:aws:iam::222222222222:role/pipeline'],
  operationsTrustedRoleArns: ['arn:aws:iam::222222222222:role/backstage'],
};
const certificateArn = 'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000';
const sharedLoadBalancer = { certificateArn };

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, any> }> };
const synth = (build: (stack: Stack) => void): Template => {
  const app = new App({ context });
  build(new Stack(app, 'Bench', { env }));
  return app.synth().getStackByName('Bench').template;
};

const cases: Array<[string, (stack: Stack) => void]> = [
  ['ServerlessEnvironment (no VPC)', s => new ServerlessEnvironment(s, 'Env', props)],
  ['ServerlessEnvironment (VPC)', s => new ServerlessEnvironment(s, 'Env', { ...props, createVpc: true })],
  ['EcsEnvironment (defaults)', s => new EcsEnvironment(s, 'Env', props)],
  ['EcsEnvironment (NAT instance)', s => new EcsEnvironment(s, 'Env', { ...props, natProvider: NatProviderType.INSTANCE })],
  ['EcsEnvironment (3 AZ, HA NAT, shared ALB)', s => new EcsEnvironment(s, 'Env', { ...props, maxAzs: 3, natGateways: 3, sharedLoadBalancer })],
];

console.log(`synth benchmark, ${runs} runs per case, Node ${process.version}`);
console.log(['case'.padEnd(44), 'median ms', '   min ms', 'resources', '   bytes'].join('  '));
for (const [name, build] of cases) {
  const times: number[] = [];
  let template: Template = { Resources: {} };
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    template = synth(build);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log([name.padEnd(44), median.toFixed(0).padStart(9), times[0].toFixed(0).padStart(9),
    String(Object.keys(template.Resources).length).padStart(9), String(JSON.stringify(template).length).padStart(8)].join('  '));
}

/** Resources that cost money by the hour whether or not anything runs, counted by what prices them. */
const PRICED: Array<[string, (t: Template) => number | string]> = [
  ['NAT gateways', t => count(t, 'AWS::EC2::NatGateway')],
  ['NAT instances', t => instances(t) || 0],
  ['public IPv4 addresses', t => count(t, 'AWS::EC2::EIP')
    + Object.values(t.Resources).filter(r => r.Type === 'AWS::EC2::Instance' && r.Properties?.NetworkInterfaces?.some((n: any) => n.AssociatePublicIpAddress)).length
    // An internet-facing load balancer holds one public address per subnet (zone).
    + Object.values(t.Resources).filter(r => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' && r.Properties?.Scheme === 'internet-facing')
      .reduce((n, r) => n + (r.Properties?.Subnets?.length ?? 0), 0)],
  ['load balancers', t => count(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer')],
  ['interface endpoints', t => Object.values(t.Resources).filter(r => r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties?.VpcEndpointType === 'Interface').length],
  ['KMS keys', t => count(t, 'AWS::KMS::Key')],
];
function count(t: Template, type: string): number {
  return Object.values(t.Resources).filter(r => r.Type === type).length;
}
function instances(t: Template): string {
  const types = Object.values(t.Resources).filter(r => r.Type === 'AWS::EC2::Instance').map(r => r.Properties?.InstanceType);
  return types.length === 0 ? '' : `${types.length} x ${[...new Set(types)].join(', ')}`;
}

const costCases: Array<[string, (stack: Stack) => void]> = [
  ['ECS, NAT gateway', s => new EcsEnvironment(s, 'Env', props)],
  ['ECS, NAT instance', s => new EcsEnvironment(s, 'Env', { ...props, natProvider: NatProviderType.INSTANCE })],
  ['ECS, NAT gateway, shared ALB', s => new EcsEnvironment(s, 'Env', { ...props, sharedLoadBalancer })],
  ['ECS, NAT instance, shared ALB', s => new EcsEnvironment(s, 'Env', { ...props, natProvider: NatProviderType.INSTANCE, sharedLoadBalancer })],
];
console.log('\nidle cost drivers of an ECS environment (2 AZs), priced resources by type');
console.log(['configuration'.padEnd(32), ...PRICED.map(([label]) => label.padStart(label.length < 12 ? 12 : label.length))].join('  '));
for (const [name, build] of costCases) {
  const template = synth(build);
  console.log([name.padEnd(32), ...PRICED.map(([label, of]) => String(of(template)).padStart(label.length < 12 ? 12 : label.length))].join('  '));
}
