/**
 * A workload account's environments: one ECS environment (with a shared HTTPS load balancer)
 * and one serverless environment, both trusting a pipeline role and a Backstage role; and an
 * app stack that knows the ECS environment only by its deployed descriptor
 * (examples/descriptors/dev.json, the value of /harmonix/environments/dev), as an app's own
 * repository would.
 *
 *   cdk synth            (cdk.json runs this file)
 *
 * Context (all optional): account, region, pipelineRoleArn, backstageRoleArn, certificateArn,
 * externalId.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DescriptorDocument, EcsEnvironment, HarmonixEnvironment, ServerlessEnvironment } from '../src';

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

const ecsStack = new Stack(app, 'HarmonixEcsDev', {
  env,
  description: 'harmonix-cdk example: ECS environment "dev"',
});
new EcsEnvironment(ecsStack, 'Dev', {
  environmentName: 'dev',
  stage: 1,
  description: 'Development environment for container apps',
  provisioningTrustedRoleArns: [pipelineRoleArn],
  operationsTrustedRoleArns: [backstageRoleArn],
  externalId,
  sharedLoadBalancer: { certificateArn },
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

// An app's stack, fed only the descriptor: a web service on the dev cluster, registered in its
// Cloud Map namespace and routed from its shared HTTPS load balancer.
const descriptor = DescriptorDocument.parse(fs.readFileSync(path.join(__dirname, 'descriptors', 'dev.json'), 'utf8'), 'dev.json');
const appStack = new Stack(app, 'HarmonixOrdersDev', {
  env: { account: descriptor.account, region: descriptor.region },
  description: 'harmonix-cdk example: an app on the imported environment "dev"',
});
const dev = HarmonixEnvironment.fromDescriptor(appStack, 'Dev', descriptor);
const devEcs = dev.ecs!;
const logGroup = new logs.LogGroup(appStack, 'Logs', {
  logGroupName: `${dev.logGroupPrefix}orders`,
  encryptionKey: dev.kmsKey,
  retention: logs.RetentionDays.ONE_MONTH,
});
const taskDefinition = new ecs.FargateTaskDefinition(appStack, 'Task', {
  runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
});
taskDefinition.addContainer('web', {
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
  portMappings: [{ containerPort: 8080 }],
  logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'web' }),
});
const service = new ecs.FargateService(appStack, 'Service', {
  cluster: devEcs.cluster,
  taskDefinition,
  capacityProviderStrategies: devEcs.defaultCapacityProviderStrategies,
  cloudMapOptions: { name: 'orders', cloudMapNamespace: devEcs.cloudMapNamespace },
  circuitBreaker: { rollback: true },
  minHealthyPercent: 100,
});
devEcs.sharedLoadBalancer!.addRoute(appStack, 'Web', {
  service,
  priority: 10,
  containerName: 'web',
  containerPort: 8080,
  hostHeaders: ['orders.dev.example.com'],
  healthCheckPath: '/health',
});

app.synth();
