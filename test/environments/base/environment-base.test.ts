import { App, ArnFormat } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  EcsEnvironment, EnvironmentKind, EnvironmentRuntimes, HarmonixEnvironmentBase, HarmonixEnvironmentBaseProps, ServerlessEnvironment,
} from '../../../src';
import { baseProps, logicalIdOf, testStack } from '../../fixtures/app';
import { renderValue, roleStatements } from '../../fixtures/iam';

/** An environment written on the shared base, as the library's own kinds are. */
class CustomEnvironment extends HarmonixEnvironmentBase {
  constructor(scope: Construct, id: string, props: HarmonixEnvironmentBaseProps, publish: number) {
    super(scope, id, props, { kind: EnvironmentKind.SERVERLESS, createVpc: false });
    for (let i = 0; i < publish; i++) {
      this.publishDescriptor({ serverless: { artifactBucket: s3.Bucket.fromBucketName(this, `Bundles${i}`, 'bundles') } });
    }
  }

  public republish(runtimes: EnvironmentRuntimes): void {
    this.publishDescriptor(runtimes);
  }
}

describe('HarmonixEnvironmentBase', () => {
  test('an environment that never publishes its descriptor fails synthesis, naming it', () => {
    const stack = testStack();
    new CustomEnvironment(stack, 'Custom', baseProps(), 0);
    expect(() => (stack.node.root as App).synth()).toThrow(/Workload\/Custom: CustomEnvironment never called publishDescriptor\(\)/);
  });

  test('the descriptor is published once', () => {
    const env = new CustomEnvironment(testStack(), 'Custom', baseProps(), 1);
    expect(env.descriptor.serverless?.artifactBucketName).toBe('bundles');
    expect(() => env.republish({})).toThrow(/Workload\/Custom: publishDescriptor\(\) was called twice/);
  });

  test('a kind publishes its own runtime view and no other', () => {
    const env = new CustomEnvironment(testStack(), 'Custom', baseProps(), 0);
    expect(() => env.republish({})).toThrow(/Workload\/Custom: a SERVERLESS environment's `serverless` must be present for SERVERLESS environments/);
    const other = new EcsEnvironment(testStack(), 'Dev', baseProps());
    const both = new CustomEnvironment(testStack(), 'Both', baseProps(), 0);
    expect(() => both.republish({ serverless: { artifactBucket: s3.Bucket.fromBucketName(both, 'B', 'bundles-b') }, ecs: other.ecs }))
      .toThrow(/`ecs` must be absent for SERVERLESS environments \(it belongs to another kind\)/);
  });

  test('the descriptor cannot be read before it is published', () => {
    class Early extends HarmonixEnvironmentBase {
      public readonly seen: string;
      constructor(scope: Construct, id: string) {
        super(scope, id, baseProps(), { kind: EnvironmentKind.SERVERLESS, createVpc: false });
        try {
          this.seen = this.descriptor.name;
        } catch (e) {
          this.seen = (e as Error).message;
        }
      }
    }
    expect(new Early(testStack(), 'Early').seen).toMatch(/read it after construction/);
  });

  test('grants from outside the library follow the same rules: tag condition and recorded wildcard reason', () => {
    const stack = testStack();
    const env = new ServerlessEnvironment(stack, 'Qa', baseProps({ environmentName: 'qa' }));
    env.grantOperations({
      sid: 'ReadTaggedStateMachines',
      actions: ['states:DescribeStateMachine'],
      resources: [stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      onlyTaggedResources: true,
      wildcardReason: 'State machine names are chosen per app; the statement is limited to those tagged with the environment.',
    });
    const template = Template.fromStack(stack);
    const statement = roleStatements(template, logicalIdOf(template, 'AWS::IAM::Role', 'QaOperationsRole'))
      .find(s => s.Sid === 'ReadTaggedStateMachines')!;
    expect(statement.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/harmonix:environment': 'qa' } });
    expect(renderValue(statement.Resource)).toBe('arn:<AWS::Partition>:states:eu-west-1:111111111111:stateMachine:*');
    const accepted = env.node.findChild('OperationsRole').node.metadata
      .filter(m => m.type === 'aws:cdk:acknowledged-rules').flatMap(m => Object.keys(m.data));
    expect(accepted).toContain('Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:eu-west-1:111111111111:stateMachine:*]');
  });
});
