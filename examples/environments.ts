/**
 * A workload account's environments: one ECS environment (with a shared HTTPS load balancer),
 * one serverless environment and one EKS environment (Auto Mode, an app namespace), all
 * trusting a pipeline role and a Backstage role; and two
 * apps' stacks that know their environment only by its deployed descriptor
 * (examples/descriptors/dev.json, staging.json and qa.json, the values of
 * /harmonix/environments/<name>), as an app's own repository would: a container app with a
 * database and a bucket on ECS and on EKS, and Lambda functions behind an HTTP API with a bucket.
 *
 *   cdk synth            (cdk.json runs this file)
 *
 * Context (all optional): account, region, pipelineRoleArn, backstageRoleArn, certificateArn,
 * externalId.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  AccessLevel, AppBucket, AppDatabase, DescriptorDocument, EcsApplication, EcsEnvironment, EksApplication, EksEnvironment, HarmonixEnvironment,
  NatProviderType, ServerlessApplication, ServerlessEnvironment,
} from '../src';
import { createPlatform } from './platform';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

const context = (key: string, fallback: string): string => app.node.tryGetContext(key) ?? fallback;
// The stacks name their account and region: the shared load balancer's access logs need the
// region. The VPC's availability zones for the example account are cached in cdk.context.json,
// so synthesis needs no AWS credentials; for your own account run `cdk synth` once with
// credentials (or write the same context key) and commit cdk.context.json.
const env = { account: context('account', '111111111111'), region: context('region', 'eu-west-1') };
const pipelineRoleArn = context('pipelineRoleArn', 'arn:aws:iam::222222222222:role/harmonix-gitlab-runner');
const backstageRoleArn = context('backstageRoleArn', 'arn:aws:iam::222222222222:role/harmonix-backstage-task');
const certificateArn = context('certificateArn', `arn:aws:acm:${env.region}:${env.account}:certificate/00000000-0000-0000-0000-000000000000`);
const externalId = context('externalId', 'harmonix-example-external-id');

// The platform account (examples/platform.ts): Backstage, the runners, and the orders app's pipeline.
const platform = createPlatform(app);

const ecsStack = new Stack(app, 'HarmonixEcsDev', {
  env,
  description: 'harmonix-cdk example: ECS environment "dev"',
});
new EcsEnvironment(ecsStack, 'Dev', {
  environmentName: 'dev',
  stage: 1,
  description: 'Development environment for container apps',
  // The runners' role, and the deploy role of the orders pipeline for this environment.
  provisioningTrustedRoleArns: [pipelineRoleArn, platform.ordersPipeline.provisioningTrustedRoleArns.dev],
  operationsTrustedRoleArns: [backstageRoleArn],
  externalId,
  sharedLoadBalancer: { certificateArn },
  // Non-production: a Graviton NAT instance instead of a NAT gateway (about $7 instead of $39 a
  // month); production environments keep NatProviderType.GATEWAY, one per zone.
  natProvider: NatProviderType.INSTANCE,
});

const serverlessStack = new Stack(app, 'HarmonixServerlessQa', {
  env,
  description: 'harmonix-cdk example: serverless environment "qa"',
});
new ServerlessEnvironment(serverlessStack, 'Qa', {
  environmentName: 'qa',
  stage: 2,
  description: 'QA environment for Lambda and API Gateway apps',
  provisioningTrustedRoleArns: [pipelineRoleArn],
  operationsTrustedRoleArns: [backstageRoleArn],
  externalId,
});

const eksStack = new Stack(app, 'HarmonixEksStaging', {
  env,
  description: 'harmonix-cdk example: EKS environment "staging"',
});
new EksEnvironment(eksStack, 'Staging', {
  environmentName: 'staging',
  stage: 2,
  description: 'Staging environment for Kubernetes apps',
  provisioningTrustedRoleArns: [pipelineRoleArn],
  operationsTrustedRoleArns: [backstageRoleArn],
  externalId,
  appNamespaces: ['orders'],
  natProvider: NatProviderType.INSTANCE,
});

// Apps' stacks, each fed only its environment's descriptor (the value of its SSM parameter), as
// an app's own repository would be.
const readDescriptor = (file: string) => DescriptorDocument.parse(fs.readFileSync(path.join(__dirname, 'descriptors', file), 'utf8'), file);

/**
 * The image of the example apps: NGINX's unprivileged build listens on 8080, keeps its pid and
 * temporary files under /tmp and serves `/`, so it starts as the app constructs run containers
 * (user 1000, read-only root file system with a writable /tmp, no capabilities). The stock
 * nginx image listens on 80 and writes under /var, and would not start.
 */
const EXAMPLE_IMAGE = 'public.ecr.aws/nginx/nginx-unprivileged:1.27';

// A container app in the ECS environment "dev", routed from its shared HTTPS load balancer by
// host name, with a PostgreSQL database and a bucket.
const devDescriptor = readDescriptor('dev.json');
const ordersStack = new Stack(app, 'HarmonixOrdersDev', {
  env: { account: devDescriptor.account, region: devDescriptor.region },
  description: 'harmonix-cdk example: the orders app in the imported environment "dev"',
});
const dev = HarmonixEnvironment.fromDescriptor(ordersStack, 'Dev', devDescriptor);
const orders = new EcsApplication(ordersStack, 'Orders', {
  environment: dev,
  appName: 'orders',
  // An image that runs as the construct runs it (a non-root user, read-only root with a writable
  // /tmp, port 8080): NGINX's unprivileged build. Replace it with the app's own image.
  image: ecs.ContainerImage.fromRegistry(EXAMPLE_IMAGE),
  containerPort: 8080,
  priority: 10,
  hostHeaders: ['orders.dev.example.com'],
  healthCheckPath: '/',
});
orders.bind(new AppDatabase(ordersStack, 'OrdersDb', { environment: dev }));
orders.bind(new AppBucket(ordersStack, 'Invoices', { environment: dev }));

// The same orders app on Kubernetes in the EKS environment "staging" (its namespace "orders"),
// on the environment's load balancer over HTTPS, with a database and a bucket of its own there.
const stagingDescriptor = readDescriptor('staging.json');
const ordersStagingStack = new Stack(app, 'HarmonixOrdersStaging', {
  env: { account: stagingDescriptor.account, region: stagingDescriptor.region },
  description: 'harmonix-cdk example: the orders app in the imported EKS environment "staging"',
});
const staging = HarmonixEnvironment.fromDescriptor(ordersStagingStack, 'Staging', stagingDescriptor);
const ordersOnEks = new EksApplication(ordersStagingStack, 'Orders', {
  environment: staging,
  appName: 'orders',
  namespaceName: 'orders',
  image: EXAMPLE_IMAGE,
  containerPort: 8080,
  hosts: ['orders.staging.example.com'],
  certificate: acm.Certificate.fromCertificateArn(ordersStagingStack, 'Certificate', certificateArn),
  healthCheckPath: '/',
});
ordersOnEks.bind(new AppDatabase(ordersStagingStack, 'OrdersDb', { environment: staging }));
ordersOnEks.bind(new AppBucket(ordersStagingStack, 'Invoices', { environment: staging }));

// Lambda functions behind an HTTP API in the serverless environment "qa", reading a bucket.
const qaDescriptor = readDescriptor('qa.json');
const shopStack = new Stack(app, 'HarmonixShopQa', {
  env: { account: qaDescriptor.account, region: qaDescriptor.region },
  description: 'harmonix-cdk example: the shop app in the imported environment "qa"',
});
const qa = HarmonixEnvironment.fromDescriptor(shopStack, 'Qa', qaDescriptor);
const shop = new ServerlessApplication(shopStack, 'Shop', {
  environment: qa,
  appName: 'shop',
  functions: [{
    name: 'api',
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(__dirname, 'functions', 'shop')),
    routes: ['GET /files', 'GET /health'],
  }],
});
shop.bind(new AppBucket(shopStack, 'Files', { environment: qa }), { access: AccessLevel.READ });

app.synth();
