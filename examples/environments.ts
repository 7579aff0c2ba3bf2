/**
 * A workload account's environments: one ECS environment (with a shared HTTPS load balancer)
 * and one serverless environment, both trusting a pipeline role and a Backstage role.
 *
 *   cdk synth --app "npx ts-node examples/environments.ts"
 *
 * Context (all optional): account, region, pipelineRoleArn, backstageRoleArn, certificateArn,
 * externalId.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EcsEnvironment, ServerlessEnvironment } from '../src';

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

app.synth();
