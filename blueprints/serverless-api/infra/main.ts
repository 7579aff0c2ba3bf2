/**
 * Deploys {{appName}} into one serverless environment, named at deploy time and known only by
 * its descriptor (.harmonix/environments/<name>.json, the value of its SSM parameter), with the
 * functions the pipeline compiled once into lib/:
 *
 *   npx projen compile && npx cdk deploy --context environment=dev
 */
import * as fs from 'fs';
import { App, CfnOutput, DefaultStackSynthesizer, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DescriptorDocument, HarmonixEnvironment, ServerlessApplication } from 'harmonix-cdk';

/** The app's settings, written by projen from .projenrc.ts. */
const settings = JSON.parse(fs.readFileSync('.harmonix/app.json', 'utf8'));

const app = new App();
// cdk-nag's AWS Solutions checks: synthesis fails on a finding that is not suppressed with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const environmentName = app.node.tryGetContext('environment');
if (typeof environmentName !== 'string' || environmentName === '') {
  throw new Error('infra: give --context environment=<name>.');
}
if (!fs.existsSync('lib/handlers/api.js')) {
  throw new Error('infra: lib/handlers/api.js is missing; run `npx projen compile` first.');
}

const descriptor = DescriptorDocument.parse(
  fs.readFileSync(`.harmonix/environments/${environmentName}.json`, 'utf8'), `${environmentName}.json`);
const stack = new Stack(app, `${settings.appName}-${environmentName}`, {
  env: { account: descriptor.account, region: descriptor.region },
  synthesizer: new DefaultStackSynthesizer({ qualifier: descriptor.cdkBootstrapQualifier }),
  description: `${settings.appName} in the Harmonix environment ${environmentName}`,
});
const environment = HarmonixEnvironment.fromDescriptor(stack, 'Environment', descriptor);

const api = new ServerlessApplication(stack, 'App', {
  environment,
  appName: settings.appName,
  functions: [{
    name: 'api',
    handler: 'handlers/api.handler',
    code: lambda.Code.fromAsset('lib', { exclude: ['**/*.d.ts'] }),
    routes: ['GET /health', 'ANY /{proxy+}'],
  }],
});
new CfnOutput(stack, 'AppUrl', { value: api.url, description: `URL of ${settings.appName} in ${environmentName}` });

app.synth();
