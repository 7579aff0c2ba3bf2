import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template, Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import {
  AccessLevel, AppBucket, AppDatabase, AppQueue, AppSecret, EcsApplication, IApplication, ServerlessApplication,
} from '../../src';
import { AppTarget, importedEcs, importedServerless, SERVERLESS_TARGETS } from '../fixtures/app-environments';
import { roleStatements, Statement } from '../fixtures/iam';

const ecsApp = (t: AppTarget, name = 'orders') => new EcsApplication(t.stack, `App${name}`, {
  environment: t.env, appName: name, image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'), priority: name.length, hostHeaders: [`${name}.example.com`],
});
const lambdaApp = (t: AppTarget, placeInVpc = true) => new ServerlessApplication(t.stack, 'Appshop', {
  environment: t.env,
  appName: 'shop',
  placeInVpc,
  functions: [{ name: 'api', handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})'), routes: ['ANY /{proxy+}'] }],
});

/** The statements bindings added to the app's principal (task role or function role). */
function grants(t: AppTarget, app: IApplication): Statement[] {
  const template = Template.fromStack(t.stack);
  const role = t.stack.getLogicalId((app.grantPrincipal as unknown as IConstruct).node.defaultChild as CfnElement);
  return roleStatements(template, role).map(s => t.stack.resolve(s));
}
const byResource = (t: AppTarget, statements: Statement[], resource: unknown) =>
  statements.filter(s => JSON.stringify(s.Resource).includes(JSON.stringify(t.stack.resolve(resource))));

/** Environment variables of the ECS container, or of the function. */
function variables(t: AppTarget, app: IApplication): Record<string, unknown> {
  const template = Template.fromStack(t.stack);
  if (app instanceof EcsApplication) {
    const container = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];
    const out: Record<string, unknown> = {};
    for (const e of container.Environment ?? []) out[e.Name] = e.Value;
    for (const s of container.Secrets ?? []) out[`secret:${s.Name}`] = s.ValueFrom;
    return out;
  }
  return Object.values(template.findResources('AWS::Lambda::Function')).find((f: any) => f.Properties.Handler === 'index.handler')!.Properties.Environment.Variables;
}

describe.each([
  ['an ECS app', importedEcs, (t: AppTarget) => ecsApp(t)],
  ['a serverless app in the VPC', importedServerless, (t: AppTarget) => lambdaApp(t)],
])('bindings of %s', (_kind, target, makeApp) => {
  test('AppBucket READ_WRITE: object read and write actions on its bucket only, the key through S3 only; name and ARN handed over', () => {
    const t = target();
    const app = makeApp(t);
    const files = new AppBucket(t.stack, 'Files', { environment: t.env });
    app.bind(files);
    const statements = grants(t, app);
    expect(byResource(t, statements, files.bucket.bucketArn).map(s => [s.Action, s.Resource])).toEqual([[
      ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      [t.stack.resolve(files.bucket.bucketArn), t.stack.resolve(files.bucket.arnForObjects('*'))],
    ]]);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: t.stack.resolve(t.env.kmsKey.keyArn),
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
    }));
    expect(variables(t, app)).toMatchObject({
      FILES_BUCKET_NAME: t.stack.resolve(files.bucket.bucketName), FILES_BUCKET_ARN: t.stack.resolve(files.bucket.bucketArn),
    });
  });

  test('AppBucket READ with a prefix: read actions and key decrypt only', () => {
    const t = target();
    const app = makeApp(t);
    const files = new AppBucket(t.stack, 'Files', { environment: t.env });
    app.bind(files, { access: AccessLevel.READ, prefix: 'ASSETS' });
    const statements = grants(t, app);
    expect(byResource(t, statements, files.bucket.bucketArn)[0].Action).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket']);
    expect(statements.find(s => JSON.stringify(s.Action).includes('kms:'))!.Action).toBe('kms:Decrypt');
    expect(Object.keys(variables(t, app))).toEqual(expect.arrayContaining(['ASSETS_BUCKET_NAME', 'ASSETS_BUCKET_ARN']));
  });

  test('AppQueue: consume and send on the queue and its dead-letter queue; READ consumes only', () => {
    const t = target();
    const app = makeApp(t);
    const jobs = new AppQueue(t.stack, 'Jobs', { environment: t.env });
    const events = new AppQueue(t.stack, 'Events', { environment: t.env });
    app.bind(jobs);
    app.bind(events, { access: AccessLevel.READ });
    const statements = grants(t, app);
    const consume = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];
    expect(byResource(t, statements, jobs.queue.queueArn).map(s => [s.Action, s.Resource])).toEqual([[
      [...consume, 'sqs:SendMessage'], [t.stack.resolve(jobs.queue.queueArn), t.stack.resolve(jobs.deadLetterQueue.queueArn)],
    ]]);
    expect(byResource(t, statements, events.queue.queueArn)[0].Action).toEqual(consume);
    expect(statements).toContainEqual(expect.objectContaining({ Condition: { StringEquals: { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' } } }));
    expect(Object.keys(variables(t, app))).toEqual(expect.arrayContaining([
      'JOBS_QUEUE_URL', 'JOBS_QUEUE_ARN', 'JOBS_DEAD_LETTER_QUEUE_URL', 'EVENTS_QUEUE_URL',
    ]));
  });

  test('AppDatabase: the database port opened from the app only, IAM connect as the app\'s user, connection details and the password as a secret', () => {
    const t = target();
    const app = makeApp(t);
    const db = new AppDatabase(t.stack, 'OrdersDb', { environment: t.env });
    app.bind(db);
    const template = Template.fromStack(t.stack);
    const appGroup = t.stack.resolve(app.connections!.securityGroups[0].securityGroupId);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: appGroup, GroupId: t.stack.resolve(db.connections.securityGroups[0].securityGroupId),
    });
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter((r: any) => r.Properties.FromPort === 5432);
    expect(ingress).toHaveLength(1);
    const user = app instanceof EcsApplication ? 'orders' : 'shop';
    expect(grants(t, app)).toContainEqual(expect.objectContaining({
      Action: 'rds-db:connect',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds-db:eu-west-1:111111111111:dbuser:', { 'Fn::GetAtt': [t.stack.getLogicalId(db.cluster.node.defaultChild as any), 'DBClusterResourceId'] }, `/${user}`]] },
    }));
    const vars = variables(t, app);
    expect(vars).toMatchObject({ ORDERS_DB_PORT: '5432', ORDERS_DB_NAME: 'app', ORDERS_DB_USER: 'harmonix_admin', ORDERS_DB_IAM_USER: user });
    expect(vars.ORDERS_DB_HOST).toEqual(t.stack.resolve(db.cluster.clusterEndpoint.hostname));
    if (app instanceof EcsApplication) {
      expect(JSON.stringify(vars['secret:ORDERS_DB_PASSWORD'])).toMatch(/:password::/);
    } else {
      expect(vars).toMatchObject({ ORDERS_DB_PASSWORD_SECRET_ARN: t.stack.resolve(db.cluster.secret!.secretArn), ORDERS_DB_PASSWORD_SECRET_FIELD: 'password' });
      expect(grants(t, app)).toContainEqual(expect.objectContaining({
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: t.stack.resolve(db.cluster.secret!.secretArn),
      }));
    }
  });

  test('AppDatabase READ: IAM connect as <app>_read, no password', () => {
    const t = target();
    const app = makeApp(t);
    app.bind(new AppDatabase(t.stack, 'OrdersDb', { environment: t.env }), { access: AccessLevel.READ });
    const vars = variables(t, app);
    expect(vars.ORDERS_DB_IAM_USER).toMatch(/_read$/);
    expect(Object.keys(vars).filter(k => k.includes('PASSWORD') || k === 'ORDERS_DB_USER')).toEqual([]);
  });

  test('AppSecret: read-only, the value (ECS) or its ARN (Lambda) handed over', () => {
    const t = target();
    const app = makeApp(t);
    const key = new AppSecret(t.stack, 'PaymentKey', { environment: t.env });
    app.bind(key);
    const vars = variables(t, app);
    if (app instanceof EcsApplication) {
      expect(vars['secret:PAYMENT_KEY']).toEqual(t.stack.resolve(key.secret.secretArn));
      // ECS injects it with the execution role; the app's own role gets nothing.
      expect(grants(t, app)).toEqual([]);
      const execution = t.stack.getLogicalId(app.taskDefinition.executionRole!.node.defaultChild as any);
      expect(roleStatements(Template.fromStack(t.stack), execution).map(s => t.stack.resolve(s))).toContainEqual(expect.objectContaining({
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: t.stack.resolve(key.secret.secretArn),
      }));
    } else {
      expect(vars.PAYMENT_KEY_SECRET_ARN).toEqual(t.stack.resolve(key.secret.secretArn));
      expect(grants(t, app)).toContainEqual(expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] }));
    }
  });

  test('refused: binding one resource twice, a secret read-write, the same variable twice, data of another environment', () => {
    const t = target();
    const app = makeApp(t);
    const files = new AppBucket(t.stack, 'Files', { environment: t.env });
    app.bind(files);
    expect(() => app.bind(files, { access: AccessLevel.READ })).toThrow(/invalid `bind\(AppStack\/Files\)`: AppStack\/Files is bound to app \w+ already; bind a resource once/);
    expect(() => app.bind(new AppSecret(t.stack, 'Key', { environment: t.env }), { access: AccessLevel.READ_WRITE }))
      .toThrow(/an AppSecret binds READ only/);
    expect(() => app.bind(new AppBucket(t.stack, 'Other', { environment: t.env }), { prefix: 'FILES' }))
      .toThrow(/invalid `environment variable`: FILES_BUCKET_NAME is set already \(by addEnvironment\); give the binding another `prefix`/);
    expect(() => app.bind(new AppBucket(t.stack, 'Bad', { environment: t.env }), { prefix: '1X' })).toThrow(/"1X" is not an environment variable name/);
    const otherEnv = { ...t.env, environmentName: 'qa' };
    const foreign = new AppBucket(new Stack(t.app, 'QaData', { env: { account: t.env.account, region: t.env.region } }), 'Foreign', { environment: otherEnv as any });
    expect(() => app.bind(foreign)).toThrow(/QaData\/Foreign belongs to environment qa, and app \w+ runs in dev; bind data of the app's own environment/);
  });
});

test('a database cannot be bound to a serverless app outside the VPC', () => {
  const t = SERVERLESS_TARGETS[1].target();
  const app = lambdaApp(t, false);
  expect(() => app.bind(new AppDatabase(t.stack, 'Db', { environment: t.env })))
    .toThrow('AppStack/Appshop: invalid `bind(AppStack/Db)`: app shop does not run in the environment\'s VPC, so it cannot reach the database; place it in the VPC.');
});

test('two apps bind one bucket, each with its own access', () => {
  const t = importedEcs();
  const files = new AppBucket(t.stack, 'Files', { environment: t.env });
  const writer = ecsApp(t, 'writer');
  const reader = ecsApp(t, 'reader1');
  writer.bind(files);
  reader.bind(files, { access: AccessLevel.READ });
  expect(byResource(t, grants(t, reader), files.bucket.bucketArn)[0].Action).not.toContain('s3:PutObject');
  expect(byResource(t, grants(t, writer), files.bucket.bucketArn)[0].Action).toContain('s3:PutObject');
  Template.fromStack(t.stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith([Match.objectLike({ Name: 'FILES_BUCKET_NAME' })]) })],
  });
});
