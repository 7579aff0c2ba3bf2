/**
 * Synth time and template size of app stacks: 1, 10 and 50 ECS apps routed from one
 * environment's shared HTTPS load balancer, and as many EKS apps sharing one environment's
 * ingress load balancer, each with a database and a bucket bound, against the limits that bound
 * how many fit: CloudFormation's 500 resources per stack, and the shared listener's rules and the
 * load balancer's target groups (100 each by default, AWS quotas).
 *
 *   npx projen bench            (BENCH_RUNS=5 by default for app stacks)
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AppBucket, AppDatabase, EcsApplication, EksApplication, HarmonixEnvironment, IApplication, IHarmonixEnvironment } from '../src';

const runs = Number(process.env.BENCH_APP_RUNS ?? 5);
const descriptor = (file: string) => fs.readFileSync(path.join(__dirname, '..', 'examples', 'descriptors', file), 'utf8');
const env = { account: '111111111111', region: 'eu-west-1' };
/** AWS limits a shared load balancer and a stack run into. */
const LIMITS = { stackResources: 500, rulesPerListener: 100, targetGroupsPerLoadBalancer: 100 };
const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27');

/** One kind of app: its environment's descriptor and how one app of it is made. */
interface AppKind {
  readonly title: string;
  readonly descriptorJson: string;
  readonly create: (stack: Stack, i: number, environment: IHarmonixEnvironment) => IApplication;
}

const KINDS: AppKind[] = [
  {
    title: 'ECS apps with a database and a bucket on one environment\'s shared load balancer',
    descriptorJson: descriptor('dev.json'),
    create: (stack, i, environment) => new EcsApplication(stack, `App${i}`, {
      environment, appName: `app${i}`, image, priority: i + 1, hostHeaders: [`app${i}.dev.example.com`],
    }),
  },
  {
    title: 'EKS apps with a database and a bucket in one namespace, on the environment\'s ingress load balancer',
    descriptorJson: descriptor('staging.json'),
    create: (stack, i, environment) => new EksApplication(stack, `App${i}`, {
      environment, appName: `app${i}`, namespaceName: 'orders', image: 'public.ecr.aws/nginx/nginx:1.27', hosts: [`app${i}.staging.example.com`],
    }),
  },
];

/** `apps` apps in stacks of `perStack`, each app importing the environment from its descriptor. */
function synth(kind: AppKind, apps: number, perStack: number): Array<{ resources: number; bytes: number }> {
  const app = new App();
  let stack: Stack | undefined;
  for (let i = 0; i < apps; i++) {
    if (i % perStack === 0) {
      stack = new Stack(app, `Apps${i / perStack}`, { env });
    }
    const environment = HarmonixEnvironment.fromDescriptorJson(stack!, `Env${i}`, kind.descriptorJson);
    const service = kind.create(stack!, i, environment);
    service.bind(new AppDatabase(stack!, `Db${i}`, { environment }));
    service.bind(new AppBucket(stack!, `Files${i}`, { environment }));
  }
  const assembly = app.synth();
  return assembly.stacks.map(s => ({ resources: Object.keys(s.template.Resources).length, bytes: JSON.stringify(s.template).length }));
}

function measure(kind: AppKind, apps: number, perStack: number) {
  const times: number[] = [];
  let stacks: Array<{ resources: number; bytes: number }> = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    stacks = synth(kind, apps, perStack);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], stacks };
}

for (const kind of KINDS) {
  const perApp = synth(kind, 1, 1)[0].resources;
  const appsPerStack = Math.floor(LIMITS.stackResources / perApp);
  console.log(`\napp stacks: ${kind.title}, ${runs} runs per case`);
  console.log(`one app is ${perApp} resources, so a stack holds at most ${appsPerStack} apps (CloudFormation: ${LIMITS.stackResources} resources a stack)`);
  console.log(['case'.padEnd(34), 'median ms', '   min ms', 'stacks', 'resources (max/stack)', '  bytes (total)', 'rules', 'target groups'].join('  '));
  for (const apps of [1, 10, 50]) {
    const perStack = Math.min(apps, appsPerStack);
    const { median, min, stacks } = measure(kind, apps, perStack);
    const resources = stacks.reduce((n, st) => n + st.resources, 0);
    const bytes = stacks.reduce((n, st) => n + st.bytes, 0);
    const largest = Math.max(...stacks.map(st => st.resources));
    console.log([
      `${apps} app(s), ${perStack} per stack`.padEnd(34), median.toFixed(0).padStart(9), min.toFixed(0).padStart(9), String(stacks.length).padStart(6),
      `${resources} (${largest})`.padStart(21), String(bytes).padStart(15),
      `${apps}/${LIMITS.rulesPerListener}`.padStart(5), `${apps}/${LIMITS.targetGroupsPerLoadBalancer}`.padStart(13),
    ].join('  '));
  }
}
console.log(`a shared load balancer takes ${LIMITS.rulesPerListener} rules on its HTTPS listener and ${LIMITS.targetGroupsPerLoadBalancer} target groups by default (one of each per app; `
  + 'raise the quotas beyond that); rule priorities run from 1 to 50000 and EKS routes are checked for clashes within one CDK app; '
  + 'an environment\'s EKS apps share one load balancer through their ingress group, under the same quotas.');
