/**
 * Deploys {{appName}} into one environment, named at deploy time and known only by its
 * descriptor (.harmonix/environments/<name>.json, the value of its SSM parameter), with the
 * image the pipeline built once: on ECS Fargate in an ECS environment, on Kubernetes in an EKS
 * environment.
 *
 *   npx cdk deploy --context environment=dev --context imageRepository=<ecr uri> --context imageTag=<commit>
 */
import * as fs from 'fs';
import { App, CfnOutput, DefaultStackSynthesizer, Stack, Validations } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DescriptorDocument, EcsApplication, EksApplication, EnvironmentKind, HarmonixEnvironment, IApplication } from 'harmonix-cdk';

/** The app's settings, written by projen from .projenrc.ts. */
const settings = JSON.parse(fs.readFileSync('.harmonix/app.json', 'utf8'));

const app = new App();
// cdk-nag's AWS Solutions checks: synthesis fails on a finding that is not suppressed with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const context = (key: string): string => {
  const value = app.node.tryGetContext(key);
  if (typeof value !== 'string' || value === '') {
    throw new Error(`infra: give --context ${key}=<value> (environment, imageRepository and imageTag are required).`);
  }
  return value;
};
const environmentName = context('environment');
const repositoryUri = context('imageRepository');
const imageTag = context('imageTag');

const descriptor = DescriptorDocument.parse(
  fs.readFileSync(`.harmonix/environments/${environmentName}.json`, 'utf8'), `${environmentName}.json`);
const stack = new Stack(app, `${settings.appName}-${environmentName}`, {
  env: { account: descriptor.account, region: descriptor.region },
  synthesizer: new DefaultStackSynthesizer({ qualifier: descriptor.cdkBootstrapQualifier }),
  description: `${settings.appName} in the Harmonix environment ${environmentName}`,
});
const environment = HarmonixEnvironment.fromDescriptor(stack, 'Environment', descriptor);

// The app's ECR repository (usually in the platform account; its policy lets the environments pull).
const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/.exec(repositoryUri);
if (!match) {
  throw new Error(`infra: imageRepository "${repositoryUri}" is not an ECR repository URI.`);
}
const [, account, region, repositoryName] = match;
const repository = ecr.Repository.fromRepositoryAttributes(stack, 'Repository', {
  repositoryArn: `arn:${stack.partition}:ecr:${region}:${account}:repository/${repositoryName}`,
  repositoryName,
});

// Routed on the path /{{appName}}: on an ECS environment, from its shared load balancer when it
// has one (else from a load balancer of its own); on an EKS environment, from the load balancer
// its Ingresses share, in the app's namespace.
let service: IApplication;
if (environment.kind === EnvironmentKind.EKS) {
  service = new EksApplication(stack, 'App', {
    environment,
    appName: settings.appName,
    namespaceName: settings.eksNamespace,
    repository,
    imageTag,
    containerPort: settings.containerPort,
    healthCheckPath: '/health',
    paths: [`/${settings.appName}`],
  });
} else {
  const shared = environment.ecs?.sharedLoadBalancer !== undefined;
  service = new EcsApplication(stack, 'App', {
    environment,
    appName: settings.appName,
    repository,
    imageTag,
    containerPort: settings.containerPort,
    healthCheckPath: '/health',
    priority: shared ? settings.listenerPriority : undefined,
    pathPatterns: shared ? [`/${settings.appName}`, `/${settings.appName}/*`] : undefined,
  });
}
new CfnOutput(stack, 'AppUrl', { value: service.url, description: `URL of ${settings.appName} in ${environmentName}` });

app.synth();
