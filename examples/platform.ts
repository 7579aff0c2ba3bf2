/**
 * The platform account: Backstage, the developer portal, showing the example environments, the
 * GitLab runner fleet that deploys into them, and an AWS CodePipeline that delivers the orders app
 * to dev and to qa, an ECS environment of a second workload account (examples/descriptors/qa-ecs.json). It knows them only by their descriptors
 * (examples/descriptors/dev.json and qa.json), as a platform team's own CDK app would; their
 * operations roles trust Backstage's task role and their provisioning roles the runner role,
 * both by name.
 *
 *   npx ts-node --prefer-ts-exts -P tsconfig.dev.json examples/platform.ts     (this app alone)
 *
 * examples/environments.ts adds the same stack to the example app that `cdk synth` builds.
 * Context (optional): platformAccount, region, platformCertificateArn, backstageImageTag, connectionArn, externalId.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AppBuild, AppPipeline, BackstageOnFargate, GitlabRunner, HarmonixEnvironment, PipelineSource } from '../src';

/** The platform stack, and the pipeline whose deploy roles the environments trust. */
export interface Platform {
  readonly stack: Stack;
  readonly ordersPipeline: AppPipeline;
}

/** Adds the platform stack, with Backstage, the runner fleet, the orders pipeline and the example environments, to an app. */
export function createPlatform(app: App): Platform {
  const context = (key: string, fallback: string): string => app.node.tryGetContext(key) ?? fallback;
  const env = { account: context('platformAccount', '222222222222'), region: context('region', 'eu-west-1') };
  const stack = new Stack(app, 'HarmonixPlatform', { env, description: 'harmonix-cdk example: the platform account, with Backstage and GitLab runners' });
  const certificateArn = context('platformCertificateArn', `arn:aws:acm:${env.region}:${env.account}:certificate/11111111-2222-3333-4444-555555555555`);
  const backstage = new BackstageOnFargate(stack, 'Backstage', {
    // The portal's image, as the team's build tagged it in the repository the construct creates.
    imageTag: context('backstageImageTag', '1.0.0'),
    domainName: 'backstage.example.com',
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', certificateArn),
  });
  // CI for gitlab.com: a manager scales job instances from zero; jobs push the orders image and
  // deploy into dev and qa (whose provisioning roles trust the runner role, harmonix-gitlab-runner).
  // It shares the portal's VPC (and its NAT gateway).
  const runner = new GitlabRunner(stack, 'GitlabRunner', { vpc: backstage.vpc, tags: ['harmonix'] });
  for (const name of ['dev', 'qa']) {
    const json = fs.readFileSync(path.join(__dirname, 'descriptors', `${name}.json`), 'utf8');
    const environment = HarmonixEnvironment.fromDescriptorJson(stack, `Environment-${name}`, json);
    backstage.addEnvironment(environment);
    runner.allowDeployTo(environment);
  }
  // The orders app delivered by AWS CodePipeline instead: built once from its GitLab repository,
  // deployed to dev, then to qa (an ECS environment of the QA account, whose descriptor requires
  // an approval). Each environment's provisioning role trusts its deploy role
  // (ordersPipeline.provisioningTrustedRoleArns, wired in examples/environments.ts for dev).
  const read = (file: string) => fs.readFileSync(path.join(__dirname, 'descriptors', file), 'utf8');
  const ordersPipeline = new AppPipeline(stack, 'OrdersPipeline', {
    appName: 'orders',
    source: PipelineSource.connection({
      connectionArn: context('connectionArn', `arn:aws:codeconnections:${env.region}:${env.account}:connection/6f1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b`),
      repository: 'shop/backend/orders',
      excludePaths: ['docs/**', '*.md'],
    }),
    appBuild: AppBuild.containerImage(),
    environments: [
      HarmonixEnvironment.fromDescriptorJson(stack, 'OrdersDev', read('dev.json')),
      HarmonixEnvironment.fromDescriptorJson(stack, 'OrdersQa', read('qa-ecs.json')),
    ],
    externalId: context('externalId', 'harmonix-example-external-id'),
  });
  // One image repository for the app, whichever way it is delivered: the runners' jobs push there too.
  runner.allowPushTo(ordersPipeline.repository!);
  return { stack, ordersPipeline };
}

if (require.main === module) {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  createPlatform(app);
  app.synth();
}
