import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { EcsEnvironment, HarmonixEnvironmentBase, ServerlessEnvironment } from '../../src';
import { baseProps, CERTIFICATE_ARN, logicalIdOf, testApp, testStack } from '../fixtures/app';
import { actionsOf, roleStatements, Statement } from '../fixtures/iam';

const TAG = 'aws:ResourceTag/harmonix:environment';
const tagValue = (tags: unknown) => (Array.isArray(tags) ? tags.find((t: any) => t.Key === 'harmonix:environment')?.Value : undefined);

/**
 * Every statement of the environment roles that is limited to resources tagged with the
 * environment, put next to the tags of the resources it is meant for: a condition that nothing
 * deployed can satisfy is a permission that silently does not exist.
 */
describe('tag-conditioned permissions match what is deployed', () => {
  const app = testApp();
  const ecsStack = testStack(app, { id: 'EcsDev' });
  const dev = new EcsEnvironment(ecsStack, 'Dev', baseProps({ sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } }));
  const qa = new ServerlessEnvironment(testStack(app, { id: 'ServerlessQa' }), 'Qa', baseProps({ environmentName: 'qa' }));

  // An app's stack with a service routed from the shared load balancer (the service's author
  // tags nothing: routing does it).
  const appStack = testStack(app, { id: 'OrdersDev' });
  const taskDefinition = new ecs.FargateTaskDefinition(appStack, 'Task');
  taskDefinition.addContainer('web', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'), portMappings: [{ containerPort: 8080 }] });
  const service = new ecs.FargateService(appStack, 'Service', { cluster: dev.ecs!.cluster, taskDefinition });
  dev.ecs!.sharedLoadBalancer!.addRoute(appStack, 'Web', { service, priority: 1, containerName: 'web', containerPort: 8080, hostHeaders: ['orders.example.com'] });

  const assembly = app.synth();
  const appTemplate = Template.fromStack(appStack);

  /** What each family of tag-conditioned actions acts on, and the check that it is tagged. */
  const checks: Array<[RegExp, string, (env: HarmonixEnvironmentBase) => void]> = [
    [/^ecs:(UpdateService|DescribeServices)$/, 'routed services', env => {
      const services = Object.values(appTemplate.findResources('AWS::ECS::Service'));
      expect(services.map(s => tagValue(s.Properties.Tags))).toEqual([env.environmentName]);
    }],
    [/^ecs:StopTask$/, 'tasks of routed services (tags propagated from the service)', env => {
      const services = Object.values(appTemplate.findResources('AWS::ECS::Service'));
      expect(services.map(s => [s.Properties.PropagateTags, tagValue(s.Properties.Tags)]))
        .toEqual([['SERVICE', env.environmentName]]);
      expect(Object.values(appTemplate.findResources('AWS::ECS::TaskDefinition')).map(t => tagValue(t.Properties.Tags))).toEqual([env.environmentName]);
    }],
    [/^cloudformation:/, 'the environment stack', env => {
      const artifact = assembly.getStackArtifact(env.node.scope!.node.id);
      expect(artifact.tags).toEqual(expect.objectContaining({ 'harmonix:environment': env.environmentName }));
    }],
  ];
  /** Resources that only application stacks create, tagged by the application constructs. */
  const madeByApplications = /^(lambda|apigateway):/;

  describe.each([['ECS', dev], ['serverless', qa]] as Array<[string, HarmonixEnvironmentBase]>)('%s environment', (_kind, env) => {
    const template = Template.fromStack(env.node.scope as any);
    const conditioned: Statement[] = ['ProvisioningRole', 'OperationsRole']
      .flatMap(role => roleStatements(template, logicalIdOf(template, 'AWS::IAM::Role', `${env.node.id}${role}`)))
      .filter(s => s.Condition?.StringEquals?.[TAG] !== undefined);

    test('every condition names this environment', () => {
      expect(conditioned.length).toBeGreaterThan(0);
      conditioned.forEach(s => expect([s.Sid, s.Condition!.StringEquals[TAG]]).toEqual([s.Sid, env.environmentName]));
    });

    test('every tag-conditioned action is meant for resources that carry the tag', () => {
      for (const statement of conditioned) {
        for (const action of actionsOf(statement)) {
          const check = checks.find(([pattern]) => pattern.test(action));
          if (!check) {
            expect([statement.Sid, action, madeByApplications.test(action)]).toEqual([statement.Sid, action, true]);
            continue;
          }
          check[2](env);
        }
      }
    });
  });
});
