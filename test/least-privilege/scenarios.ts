import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import {
  AppBucket, AppDatabase, AppQueue, AppSecret, DescriptorDocument, EcsApplication, EcsEnvironment, EksApplication, EksEnvironment,
  EnvironmentDescriptor, HarmonixEnvironment, IApplication, ServerlessApplication, ServerlessEnvironment,
} from '../../src';
import { baseProps, CERTIFICATE_ARN, testApp, testStack, TEST_ENV } from '../fixtures/app';
import { deployedDescriptorJson, deployedValues } from '../fixtures/deployed';
import { Policy } from '../fixtures/iam-proof';

/** An environment as deployed: its descriptor, its execution policies and boundary with deployed values. */
export interface DeployedEnvironment {
  readonly name: string;
  readonly descriptor: EnvironmentDescriptor;
  readonly json: string;
  readonly executionPolicies: Policy[];
  readonly boundary: Policy;
  /** The environment key's policy: KMS needs its key policy to let IAM policies work. */
  readonly keyPolicy: Policy;
  /** The policies of the environment's own roles. */
  readonly rolePolicies: Policy[];
}

/** Resolves a template value with deployed values, intrinsic functions included. */
function resolveValue(value: unknown, deployed: (ref: string) => string): any {
  if (Array.isArray(value)) return value.map(v => resolveValue(v, deployed));
  if (value === null || typeof value !== 'object') return value;
  const v = value as Record<string, any>;
  if (v.Ref !== undefined) return deployed(v.Ref);
  if (v['Fn::GetAtt']) return deployed(`${v['Fn::GetAtt'][0]}.${v['Fn::GetAtt'][1]}`);
  if (v['Fn::Join']) return (resolveValue(v['Fn::Join'][1], deployed) as string[]).join(v['Fn::Join'][0]);
  if (v['Fn::Split']) return String(resolveValue(v['Fn::Split'][1], deployed)).split(v['Fn::Split'][0]);
  if (v['Fn::Select']) return resolveValue(v['Fn::Select'][1], deployed)[Number(v['Fn::Select'][0])];
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveValue(x, deployed)]));
}

/** Synthesizes an environment in an app of its own and reads it as deployed. */
export function deployEnvironment(name: string, create: (stack: Stack) => unknown): DeployedEnvironment {
  const stack = testStack(testApp(), { id: 'EnvironmentStack' });
  create(stack);
  const template = Template.fromStack(stack);
  const deployed = deployedValues(template);
  const json = deployedDescriptorJson(template, 'Env');
  const descriptor = DescriptorDocument.parse(json);
  const policies = template.findResources('AWS::IAM::ManagedPolicy');
  const byName = (policyName: string): Policy => {
    const found = Object.values(policies).find((p: any) => p.Properties.ManagedPolicyName === policyName);
    if (!found) throw new Error(`no managed policy ${policyName}`);
    return resolveValue(found.Properties.PolicyDocument, deployed);
  };
  const env = descriptor.name;
  return {
    name,
    descriptor,
    json,
    executionPolicies: descriptor.appDeployPolicyArns!.map(arn => byName(arn.split(':policy/')[1])),
    boundary: byName(`harmonix-${env}-app-boundary`),
    rolePolicies: Object.values(template.findResources('AWS::IAM::Policy')).map((p: any) => resolveValue(p.Properties.PolicyDocument, deployed)),
    keyPolicy: resolveValue(Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy, deployed),
  };
}

/** The environments app stacks are proven against. */
export const ENVIRONMENTS = {
  ecsShared: () => deployEnvironment('ECS, shared load balancer', s => new EcsEnvironment(s, 'Env', baseProps({ sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } }))),
  ecsPlain: () => deployEnvironment('ECS, no shared load balancer, retainData: false', s => new EcsEnvironment(s, 'Env', baseProps({ retainData: false }))),
  serverless: () => deployEnvironment('serverless with a VPC', s => new ServerlessEnvironment(s, 'Env', baseProps({ createVpc: true }))),
  eks: () => deployEnvironment('EKS, Auto Mode', s => new EksEnvironment(s, 'Env', baseProps({ appNamespaces: ['orders'] }))),
};

/** Binds one of every kind of app data. */
function bindAll(app: IApplication, stack: Stack, env: any): void {
  app.bind(new AppDatabase(stack, 'Db', { environment: env }));
  app.bind(new AppBucket(stack, 'Files', { environment: env }));
  app.bind(new AppQueue(stack, 'Jobs', { environment: env }));
  app.bind(new AppSecret(stack, 'ApiKey', { environment: env }));
}

/** An app stack on an environment known only by its descriptor. */
export function appStack(environment: DeployedEnvironment, build: (stack: Stack, env: any) => void): Stack {
  const stack = new Stack(testApp(), 'AppStack', { env: TEST_ENV });
  build(stack, HarmonixEnvironment.fromDescriptorJson(stack, 'Env', environment.json));
  return stack;
}

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27');
const code = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });');

/** App stacks with every option of the application constructs, each on the environment it needs. */
export const APP_SCENARIOS: Array<{ name: string; environment: keyof typeof ENVIRONMENTS; build: (stack: Stack, env: any) => void }> = [
  {
    name: 'ECS app on the shared load balancer, every kind of data',
    environment: 'ecsShared',
    build: (stack, env) => bindAll(new EcsApplication(stack, 'Orders', { environment: env, appName: 'orders', image, priority: 10, hostHeaders: ['orders.example.com'] }), stack, env),
  },
  {
    name: 'ECS app with its own internet-facing HTTPS load balancer, data deleted with the stack',
    environment: 'ecsPlain',
    build: (stack, env) => bindAll(new EcsApplication(stack, 'Orders', {
      environment: env,
      appName: 'orders',
      image,
      loadBalancer: { internetFacing: true, certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERTIFICATE_ARN) },
    }), stack, env),
  },
  {
    name: 'serverless app in the VPC, custom domain, provisioned concurrency, a bundle from the artifact bucket, every kind of data',
    environment: 'serverless',
    build: (stack, env) => bindAll(new ServerlessApplication(stack, 'Shop', {
      environment: env,
      appName: 'shop',
      placeInVpc: true,
      functions: [
        { name: 'api', handler: 'index.handler', code, routes: ['ANY /{proxy+}'], provisionedConcurrency: 1, reservedConcurrency: 5 },
        { name: 'worker', handler: 'app.main', runtime: lambda.Runtime.PYTHON_3_14, artifactKey: 'shop/1.zip' },
      ],
      customDomain: {
        domainName: 'shop.example.com',
        certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERTIFICATE_ARN),
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123EXAMPLE', zoneName: 'example.com' }),
      },
    }), stack, env),
  },
  {
    name: 'EKS app with HTTPS on the environment\'s load balancer, the URL read from the Ingress, every kind of data',
    environment: 'eks',
    build: (stack, env) => {
      bindAll(new EksApplication(stack, 'Orders', {
        environment: env,
        appName: 'orders',
        namespaceName: 'orders',
        image: 'public.ecr.aws/nginx/nginx:1.27',
        hosts: ['orders.example.com'],
        certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERTIFICATE_ARN),
      }), stack, env);
      new EksApplication(stack, 'Admin', { environment: env, appName: 'orders-admin', namespaceName: 'orders', image: 'public.ecr.aws/nginx/nginx:1.27', paths: ['/admin'] });
    },
  },
];
