/**
 * The platform account: Backstage, the developer portal, showing the example environments. It
 * knows them only by their descriptors (examples/descriptors/dev.json and qa.json), as a
 * platform team's own CDK app would; their operations roles trust its task role by name.
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
import { AwsSolutionsChecks } from 'cdk-nag';
import { BackstageOnFargate, HarmonixEnvironment } from '../src';

/** Adds the platform stack, with Backstage and the example environments, to an app. */
export function createPlatform(app: App): Stack {
  const context = (key: string, fallback: string): string => app.node.tryGetContext(key) ?? fallback;
  const env = { account: context('platformAccount', '222222222222'), region: context('region', 'eu-west-1') };
  const stack = new Stack(app, 'HarmonixPlatform', { env, description: 'harmonix-cdk example: the platform account, with Backstage' });
  const certificateArn = context('platformCertificateArn', `arn:aws:acm:${env.region}:${env.account}:certificate/11111111-2222-3333-4444-555555555555`);
  const backstage = new BackstageOnFargate(stack, 'Backstage', {
    domainName: 'backstage.example.com',
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', certificateArn),
  });
  for (const name of ['dev', 'qa']) {
    const json = fs.readFileSync(path.join(__dirname, 'descriptors', `${name}.json`), 'utf8');
    backstage.addEnvironment(HarmonixEnvironment.fromDescriptorJson(stack, `Environment-${name}`, json));
  }
  return stack;
}

if (require.main === module) {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  createPlatform(app);
  app.synth();
}
