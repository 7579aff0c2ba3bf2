/**
 * Synth time and template size of the environment constructs, and what each configuration
 * costs when idle. Prints one line per case: median and min of N in-process syntheses, resource
 * count and template bytes; then the monthly idle cost of each configuration with its priced
 * resources, from the estimator of `harmonix cost`.
 *
 *   npx projen bench            (BENCH_RUNS=10 by default)
 */
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  BackstageOnFargate, EcsEnvironment, EksComputeType, EksEnvironment, GitlabRunner, GitlabRunnerExecutor, HarmonixEnvironmentBaseProps,
  NatProviderType, ServerlessEnvironment,
} from '../src';
import { readAssembly } from '../src/cli/assembly';
import { CostKind, estimateCost } from '../src/cli/cost/estimate';
import { PRICE_TABLE_DATE, PRICE_TABLE_SOURCE } from '../src/cli/cost/prices';

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
  ['BackstageOnFargate (new VPC)', s => new BackstageOnFargate(s, 'Backstage', { certificate: acm.Certificate.fromCertificateArn(s, 'Cert', certificateArn) })],
  ['ServerlessEnvironment (no VPC)', s => new ServerlessEnvironment(s, 'Env', props)],
  ['ServerlessEnvironment (VPC)', s => new ServerlessEnvironment(s, 'Env', { ...props, createVpc: true })],
  ['EcsEnvironment (defaults)', s => new EcsEnvironment(s, 'Env', props)],
  ['EcsEnvironment (NAT instance)', s => new EcsEnvironment(s, 'Env', { ...props, natProvider: NatProviderType.INSTANCE })],
  ['EcsEnvironment (3 AZ, HA NAT, shared ALB)', s => new EcsEnvironment(s, 'Env', { ...props, maxAzs: 3, natGateways: 3, sharedLoadBalancer })],
  ['EksEnvironment (Auto Mode, 2 namespaces)', s => new EksEnvironment(s, 'Env', { ...props, appNamespaces: ['orders', 'shop'] })],
  ['EksEnvironment (node group, 10 namespaces)', s => new EksEnvironment(s, 'Env', {
    ...props, computeType: EksComputeType.MANAGED_NODE_GROUP, appNamespaces: Array.from({ length: 10 }, (_, i) => `app-${i}`),
  })],
  ['GitlabRunner (docker-autoscaler, new VPC)', s => new GitlabRunner(s, 'Runner')],
  ['GitlabRunner (docker, 2 warm on Spot)', s => new GitlabRunner(s, 'Runner', { executor: GitlabRunnerExecutor.docker({ minCapacity: 2, spot: true }) })],
];
/** A VPC the platform already has (Backstage's, say): the runner then adds no NAT gateway of its own. */
const sharedVpc = (s: Stack) => ec2.Vpc.fromVpcAttributes(s, 'Shared', {
  vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0a', 'subnet-0b'],
});

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

const costCases: Array<[string, (stack: Stack) => void]> = [
  ['ECS, NAT gateway', s => new EcsEnvironment(s, 'Env', props)],
  ['ECS, NAT instance', s => new EcsEnvironment(s, 'Env', { ...props, natProvider: NatProviderType.INSTANCE })],
  ['ECS, NAT gateway, shared ALB', s => new EcsEnvironment(s, 'Env', { ...props, sharedLoadBalancer })],
  ['ECS, NAT instance, shared ALB', s => new EcsEnvironment(s, 'Env', { ...props, natProvider: NatProviderType.INSTANCE, sharedLoadBalancer })],
  ['ECS, 3 AZ, HA NAT, shared ALB, stage 3', s => new EcsEnvironment(s, 'Env', { ...props, stage: 3, maxAzs: 3, natGateways: 3, sharedLoadBalancer })],
  ['serverless, no VPC', s => new ServerlessEnvironment(s, 'Env', props)],
  // Auto Mode bills its nodes (EC2 plus the Auto Mode fee) while pods run: the add-ons' pods keep
  // at least one small node up, which the figure cannot know at synth.
  ['EKS, Auto Mode, NAT gateway', s => new EksEnvironment(s, 'Env', props)],
  ['EKS, Auto Mode, NAT instance', s => new EksEnvironment(s, 'Env', { ...props, natProvider: NatProviderType.INSTANCE })],
  ['EKS, 2 Graviton nodes, NAT instance', s => new EksEnvironment(s, 'Env', {
    ...props, natProvider: NatProviderType.INSTANCE, computeType: EksComputeType.MANAGED_NODE_GROUP, nodeGroup: { minSize: 2 },
  })],
  // The platform account's portal: its own VPC (one NAT gateway), HTTPS load balancer, one task, database paused.
  ['Backstage (platform), defaults', s => new BackstageOnFargate(s, 'Backstage', { certificate: acm.Certificate.fromCertificateArn(s, 'Cert', certificateArn) })],
  // The runner fleet at zero jobs: what keeps running is its manager (and a new VPC's NAT gateway).
  ['runner, autoscaler, own VPC', s => new GitlabRunner(s, 'Runner')],
  ['runner, autoscaler, NAT instance', s => new GitlabRunner(s, 'Runner', { natProvider: NatProviderType.INSTANCE })],
  ['runner, autoscaler, shared VPC (runner only)', s => { new GitlabRunner(s, 'Runner', { vpc: sharedVpc(s) }); }],
  ['runner, docker, 2 warm Spot, shared VPC', s => { new GitlabRunner(s, 'Runner', { vpc: sharedVpc(s), executor: GitlabRunnerExecutor.docker({ minCapacity: 2, spot: true }) }); }],
];
// The same estimator as `harmonix cost` (src/cli/cost): one pricing code path.
console.log(`\nidle cost per month (${env.region}, ${PRICE_TABLE_SOURCE}, table of ${PRICE_TABLE_DATE})`);
for (const [name, build] of costCases) {
  const app = new App({ context });
  build(new Stack(app, 'Bench', { env }));
  const report = estimateCost(readAssembly(app.synth().directory));
  const lines = report.stacks[0].lines;
  const total = report.totalMonthlyUsd;
  const idle = lines.filter(l => ['AWS::AutoScaling::AutoScalingGroup', 'AWS::EKS::Nodegroup'].includes(l.type) && !l.logicalId.includes('('))
    .concat(lines.filter(l => l.kind === CostKind.SPOT))
    .map(l => `${l.logicalId.replace(/[0-9A-F]{8}$/, '')}: ${l.detail}`);
  const priced = lines.filter(l => l.kind === CostKind.PRICED && l.monthlyUsd > 0)
    .map(l => `${l.detail.replace(/ \(.*\)$/, '')} $${l.monthlyUsd.toFixed(2)}`);
  console.log(`${name.padEnd(44)} $${total.toFixed(2).padStart(7)}   ${priced.join('; ')}`);
  if (idle.length > 0) {
    console.log(`${''.padEnd(44)} running when idle (zero jobs, no pods): ${idle.join('; ')}`);
  }
}
