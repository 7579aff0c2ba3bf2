/**
 * The platform account: Backstage, the developer portal, showing the example environments, and
 * the GitLab runner fleet that deploys into them. It knows them only by their descriptors
 * (examples/descriptors/dev.json and qa.json), as a platform team's own CDK app would; their
 * operations roles trust Backstage's task role and their provisioning roles the runner role,
 * both by name.
 *
 *   npx ts-node --prefer-ts-exts -P tsconfig.dev.json examples/platform.ts     (this app alone)
 *
 * examples/environments.ts adds the same stack to the example app that `cdk synth` builds.
 * Context (optional): platformAccount, region, certificateArn.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BackstageOnFargate, GitlabRunner, HarmonixEnvironment } from '../src';

/** Adds the platform stack, with Backstage, the runner fleet and the example environments, to an app. */
export function createPlatform(app: App): Stack {
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
  runner.allowPushTo(new ecr.Repository(stack, 'OrdersRepository', {
    repositoryName: 'orders', imageScanOnPush: true, imageTagMutability: ecr.TagMutability.IMMUTABLE,
  }));
  for (const name of ['dev', 'qa']) {
    const json = fs.readFileSync(path.join(__dirname, 'descriptors', `${name}.json`), 'utf8');
    const environment = HarmonixEnvironment.fromDescriptorJson(stack, `Environment-${name}`, json);
    backstage.addEnvironment(environment);
    runner.allowDeployTo(environment);
  }
  return stack;
}

if (require.main === module) {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  createPlatform(app);
  app.synth();
}
