import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateFunctionCommand, GetFunctionConcurrencyCommand, LambdaClient, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createAuditTable, startAuditWriterUrl } from '../fixtures/audit';
import { descriptorText } from '../fixtures/blueprints';
import { motoEnv, runHarmonix } from '../fixtures/cli';
import { MotoServer, startMoto } from '../fixtures/python-tools';

/**
 * `harmonix app` and `harmonix audit list` against moto's server: the environment's operations
 * role assumed through STS (its ARN from the descriptor), the app found by its tags (Resource
 * Groups Tagging API), its ECS service (with its auto scaling) and Lambda function read and
 * operated, its URL parameter, and its audit records: the table the environment synthesizes, filled
 * by the real audit writer code behind a stand-in for its function URL.
 */
const ACCOUNT = '123456789012';
const TAGS = (app: string, env: string) => ({ 'harmonix:app': app, 'harmonix:environment': env });
let moto: MotoServer;
let work: string;
let devFile: string;
let qaFile: string;
let prodFile: string;
const writers: Array<{ url: string; close(): Promise<void> }> = [];
const client = () => ({ endpoint: moto.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

async function descriptorFile(kind: 'ECS' | 'SERVERLESS', name: string, stage: number, table: string, requireApproval = false): Promise<string> {
  // The example descriptor, moved to moto's account (the reader holds every ARN to the account).
  const d = JSON.parse(descriptorText(kind, name, stage, requireApproval).replace(/111111111111/g, ACCOUNT));
  const writer = await startAuditWriterUrl(moto.endpoint, table, 'eu-west-1');
  writers.push(writer);
  const text = JSON.stringify({
    ...d,
    account: ACCOUNT,
    auditTableName: table,
    auditTableArn: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${table}`,
    operationsRoleArn: `arn:aws:iam::${ACCOUNT}:role/harmonix-${name}-operations`,
    auditWriterUrl: writer.url,
  }, undefined, 2);
  const file = path.join(work, `${name}.json`);
  fs.writeFileSync(file, text);
  return file;
}

beforeAll(async () => {
  moto = await startMoto();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-app-'));
  const ecs = new ECSClient(client());
  await ecs.send(new CreateClusterCommand({ clusterName: 'harmonix-dev' }));
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'orders', containerDefinitions: [{ name: 'web', image: 'public.ecr.aws/nginx/nginx-unprivileged:1.27', memory: 512 }],
  }));
  await ecs.send(new CreateServiceCommand({
    cluster: 'harmonix-dev',
    serviceName: 'orders-web',
    taskDefinition: 'orders',
    desiredCount: 2,
    tags: Object.entries(TAGS('orders', 'dev')).map(([key, value]) => ({ key, value })),
  }));
  // Its auto scaling, as EcsApplication registers it (minCount 1, maxCount 4).
  const scaling = new ApplicationAutoScalingClient(client());
  await scaling.send(new RegisterScalableTargetCommand({
    ServiceNamespace: 'ecs', ResourceId: 'service/harmonix-dev/orders-web', ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 1, MaxCapacity: 4,
  }));
  scaling.destroy();
  // Another app's service on the same cluster, and the same app in another environment: not ours.
  await ecs.send(new CreateServiceCommand({
    cluster: 'harmonix-dev',
    serviceName: 'billing-web',
    taskDefinition: 'orders',
    desiredCount: 1,
    tags: Object.entries(TAGS('billing', 'dev')).map(([key, value]) => ({ key, value })),
  }));
  await createRole(moto.endpoint, 'quotes');
  const lambda = new LambdaClient(client());
  await lambda.send(new CreateFunctionCommand({
    FunctionName: 'quotes-api',
    Runtime: 'nodejs22.x',
    Role: `arn:aws:iam::${ACCOUNT}:role/quotes`,
    Handler: 'index.handler',
    Code: { ZipFile: emptyZip() },
    Tags: TAGS('quotes', 'qa'),
  }));
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'quotes-api', ReservedConcurrentExecutions: 0 }));
  const ssm = new SSMClient(client());
  await ssm.send(new PutParameterCommand({ Name: '/harmonix/apps/orders/dev/url', Value: 'https://orders.dev.example.com', Type: 'String' }));
  const dynamodb = new DynamoDBClient(client());
  await createAuditTable(dynamodb, 'dev-audit');
  await createAuditTable(dynamodb, 'qa-audit');
  await createAuditTable(dynamodb, 'prod-audit');
  const record = (time: string, action: string, result: string, actor: string, version?: string) => dynamodb.send(new PutItemCommand({
    TableName: 'dev-audit',
    Item: {
      subject: { S: 'app/orders' },
      timestamp: { S: `${time}#${action}-${result}` },
      actor: { S: actor },
      action: { S: action },
      result: { S: result },
      ...(version ? { version: { S: version } } : {}),
      details: { S: JSON.stringify({ pipeline: 'https://gitlab.example.com/shop/orders/-/pipelines/7' }) },
    },
  }));
  await record('2026-12-01T10:00:00.000Z', 'deploy', 'STARTED', `arn:aws:sts::${ACCOUNT}:assumed-role/harmonix-dev-provisioning/gitlab-orders-7`, 'a1b2c3d');
  await record('2026-12-01T10:04:00.000Z', 'deploy', 'SUCCEEDED', `arn:aws:sts::${ACCOUNT}:assumed-role/harmonix-dev-provisioning/gitlab-orders-7`, 'a1b2c3d');
  await record('2026-12-02T09:00:00.000Z', 'stop', 'SUCCEEDED', `arn:aws:sts::${ACCOUNT}:assumed-role/harmonix-dev-operations/user-default-jane`);
  // The set-up's connections to moto end here, not with the worker.
  [ecs, lambda, ssm, dynamodb].forEach(c => c.destroy());
  devFile = await descriptorFile('ECS', 'dev', 1, 'dev-audit');
  qaFile = await descriptorFile('SERVERLESS', 'qa', 2, 'qa-audit');
  prodFile = await descriptorFile('ECS', 'prod', 3, 'prod-audit', true);
  // The same service's app in prod, on its own cluster.
  const prodEcs = new ECSClient(client());
  await prodEcs.send(new CreateClusterCommand({ clusterName: 'harmonix-prod' }));
  await prodEcs.send(new CreateServiceCommand({
    cluster: 'harmonix-prod',
    serviceName: 'orders-web',
    taskDefinition: 'orders',
    desiredCount: 2,
    tags: Object.entries(TAGS('orders', 'prod')).map(([key, value]) => ({ key, value })),
  }));
  prodEcs.destroy();
}, 120_000);
afterAll(async () => {
  await Promise.all(writers.map(w => w.close()));
  moto?.stop();
});

/**
 * Creates an IAM role in moto (Lambda refuses a function whose role does not exist): IAM's Query
 * API, which moto routes by the credential scope of the Authorization header and does not verify.
 */
async function createRole(endpoint: string, name: string): Promise<void> {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'authorization': 'AWS4-HMAC-SHA256 Credential=testing/20261207/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: name, AssumeRolePolicyDocument: trust }).toString(),
  });
  if (!response.ok) throw new Error(`moto refused CreateRole: ${response.status} ${await response.text()}`);
}

/** A zip archive holding one empty file, `index.js` (stored): what CreateFunction needs of code. */
function emptyZip(): Uint8Array {
  const name = Buffer.from('index.js');
  const header = (signature: number, size: number) => {
    const b = Buffer.alloc(size);
    b.writeUInt32LE(signature, 0);
    return b;
  };
  // Local file header: version 20, no flags, stored, zero sizes and CRC, the name's length.
  const local = header(0x04034b50, 30);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(name.length, 26);
  // Central directory entry for it, at offset 0.
  const central = header(0x02014b50, 46);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(name.length, 28);
  // End of central directory: one entry, the directory's size and offset.
  const end = header(0x06054b50, 22);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length, 16);
  return new Uint8Array(Buffer.concat([local, name, central, name, end]));
}

const env = () => motoEnv(moto.endpoint, work);

test('status of an ECS app: its service (tasks, deployments), its URL and log groups, found by its tags', async () => {
  const run = await runHarmonix(work, env(), ['app', 'status', '--descriptor', devFile, '--app', 'orders', '--external-id', 'portal-7f3a', '--json']);
  expect([run.code, run.err]).toEqual([0, '']);
  const status = JSON.parse(run.out);
  expect(status).toMatchObject({ app: 'orders', environment: 'dev', kind: 'ECS', stage: 1, url: 'https://orders.dev.example.com', functions: [], data: [] });
  expect(status.services).toHaveLength(1);
  expect(status.services[0]).toMatchObject({ name: 'orders-web', cluster: 'harmonix-dev', desired: 2, status: 'ACTIVE' });
  expect(status.services[0].deployments[0]).toMatchObject({ status: 'PRIMARY', desired: 2 });
  const text = await runHarmonix(work, env(), ['app', 'status', '--descriptor', devFile, '--app', 'orders']);
  expect(text.out.split('\n').slice(0, 2)).toEqual([
    'orders in dev (ECS, stage 1): https://orders.dev.example.com',
    expect.stringMatching(/^ {2}service orders-web \(cluster harmonix-dev\): \d+ running, \d+ pending of 2 desired; rollout \w+$/),
  ]);
});

test('status of a serverless app: its function, stopped (reserved concurrency 0)', async () => {
  const run = await runHarmonix(work, env(), ['app', 'status', '--descriptor', qaFile, '--app', 'quotes', '--json']);
  expect([run.code, run.err]).toEqual([0, '']);
  const status = JSON.parse(run.out);
  expect(status.functions).toEqual([expect.objectContaining({ name: 'quotes-api', reservedConcurrency: 0, stopped: true })]);
  expect(status.services).toEqual([]);
});

test('audit list: the app\'s records in the environment, newest first, as many as asked', async () => {
  const run = await runHarmonix(work, env(), ['audit', 'list', '--descriptor', devFile, '--app', 'orders', '--limit', '2', '--json']);
  expect([run.code, run.err]).toEqual([0, '']);
  const records = JSON.parse(run.out);
  expect(records.map((r: any) => [r.time, r.action, r.result])).toEqual([
    ['2026-12-02T09:00:00.000Z', 'stop', 'SUCCEEDED'], ['2026-12-01T10:04:00.000Z', 'deploy', 'SUCCEEDED'],
  ]);
  expect(records[1]).toMatchObject({ version: 'a1b2c3d', details: { pipeline: 'https://gitlab.example.com/shop/orders/-/pipelines/7' } });
  const text = await runHarmonix(work, env(), ['audit', 'list', '--descriptor', devFile, '--app', 'orders']);
  expect(text.out.trim().split('\n')).toHaveLength(3);
  expect(text.out.split('\n')[0]).toBe(`2026-12-02T09:00:00.000Z  stop SUCCEEDED  by arn:aws:sts::${ACCOUNT}:assumed-role/harmonix-dev-operations/user-default-jane`);
  const none = await runHarmonix(work, env(), ['audit', 'list', '--descriptor', devFile, '--app', 'billing']);
  expect(none.out).toBe('no audit records of app billing in this environment\n');
});

test('bad input: one sentence and its exit code, before or instead of any change', async () => {
  const cases: Array<[string[], number, RegExp]> = [
    [['app', 'status', '--descriptor', devFile, '--app', 'Orders'], 2, /^harmonix: --app "Orders" is not an app name: /],
    [['app', 'status', '--descriptor', path.join(work, 'missing.json'), '--app', 'orders'], 3, /^harmonix: cannot read the descriptor .*missing\.json \(ENOENT\)\.$/],
    [['app', 'status', '--descriptor', devFile, '--app', 'ghost'], 3,
      new RegExp(`^harmonix: app ghost is not in environment dev: nothing in account ${ACCOUNT}, eu-west-1 is tagged harmonix:app=ghost and harmonix:environment=dev; check the app's name, or deploy it there first\\.$`)],
    [['app', 'status', '--descriptor', qaFile, '--app', 'orders'], 3, /^harmonix: app orders is not in environment qa: /],
    [['audit', 'list', '--descriptor', devFile, '--app', 'orders', '--limit', '0'], 2, /^harmonix: --limit "0" is not a number of records from 1 to 1000\.$/],
  ];
  for (const [args, code, sentence] of cases) {
    const run = await runHarmonix(work, env(), args);
    expect([args.join(' '), run.code]).toEqual([args.join(' '), code]);
    expect(run.err.trim()).toMatch(sentence);
  }
  // A role that cannot be assumed (STS unreachable here): the AWS sentence, exit code 5.
  const refused = await runHarmonix(work, { ...env(), AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' }, ['app', 'status', '--descriptor', devFile, '--app', 'orders']);
  expect(refused.code).toBe(5);
  expect(refused.err.trim()).toMatch(new RegExp(`^harmonix: could not assume arn:aws:iam::${ACCOUNT}:role/harmonix-dev-operations \\(`));
});

/** The service's desired count and its auto scaling's suspension, as moto holds them. */
async function service(cluster: string, name: string): Promise<{ desired: number; deployments: number; suspended?: boolean }> {
  const ecs = new ECSClient(client());
  const scaling = new ApplicationAutoScalingClient(client());
  try {
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }))).services![0];
    const target = (await scaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [`service/${cluster}/${name}`] }))).ScalableTargets?.[0];
    return { desired: svc.desiredCount!, deployments: svc.deployments!.length, suspended: target?.SuspendedState?.DynamicScalingInSuspended };
  } finally {
    ecs.destroy();
    scaling.destroy();
  }
}

/** The app's audit records in an environment, newest first, as harmonix audit list reads them. */
async function audit(file: string, app: string): Promise<Array<{ action: string; result: string; actor: string; details?: Record<string, string> }>> {
  const run = await runHarmonix(work, env(), ['audit', 'list', '--descriptor', file, '--app', app, '--json']);
  expect(run.code).toBe(0);
  return JSON.parse(run.out);
}

describe('changes: each between two audit records, as the operations role', () => {
  const OPERATOR = `arn:aws:sts::${ACCOUNT}:assumed-role/harmonix-dev-operations/harmonix-ops`;

  test('scale within the app\'s bounds; out of them refused, nothing changed or recorded', async () => {
    const before = (await audit(devFile, 'orders')).length;
    const run = await runHarmonix(work, env(), ['app', 'scale', '--descriptor', devFile, '--app', 'orders', '--count', '3']);
    expect([run.code, run.err]).toEqual([0, '']);
    expect(run.out.split('\n')[0]).toBe('~ service orders-web: 2 tasks -> 3 tasks');
    expect((await service('harmonix-dev', 'orders-web')).desired).toBe(3);
    const records = await audit(devFile, 'orders');
    expect(records.slice(0, 2).map(r => [r.action, r.result, r.actor])).toEqual([['scale', 'SUCCEEDED', OPERATOR], ['scale', 'STARTED', OPERATOR]]);
    expect(records[0].details).toEqual({ count: '3', changes: 'service orders-web: 2 tasks -> 3 tasks' });
    expect(records.length).toBe(before + 2);

    const out = await runHarmonix(work, env(), ['app', 'scale', '--descriptor', devFile, '--app', 'orders', '--count', '5']);
    expect([out.code, out.err.trim()]).toEqual([3, 'harmonix: 5 tasks is outside the bounds of app orders\'s service orders-web: 1 to 4 (its auto scaling, minCount and maxCount in '
      + 'the app\'s code); change the bounds in the app\'s code and deploy it, or pick a count within them.']);
    expect((await service('harmonix-dev', 'orders-web')).desired).toBe(3);
    expect((await audit(devFile, 'orders')).length).toBe(before + 2);
  });

  test('stop keeps a service at 0 (auto scaling suspended); start brings it to its minimum and resumes scaling', async () => {
    const stop = await runHarmonix(work, env(), ['app', 'stop', '--descriptor', devFile, '--app', 'orders']);
    expect([stop.code, stop.err]).toEqual([0, '']);
    expect(await service('harmonix-dev', 'orders-web')).toMatchObject({ desired: 0, suspended: true });
    const start = await runHarmonix(work, env(), ['app', 'start', '--descriptor', devFile, '--app', 'orders', '--json']);
    expect([start.code, start.err]).toEqual([0, '']);
    expect(JSON.parse(start.out).changes).toEqual([{ resource: 'service orders-web', from: '0 tasks', to: '1 tasks' }]);
    expect(await service('harmonix-dev', 'orders-web')).toMatchObject({ desired: 1, suspended: false });
    expect((await audit(devFile, 'orders')).slice(0, 4).map(r => `${r.action} ${r.result}`)).toEqual(['start SUCCEEDED', 'start STARTED', 'stop SUCCEEDED', 'stop STARTED']);
  });

  test('restart: a new deployment of the service', async () => {
    const before = (await service('harmonix-dev', 'orders-web')).deployments;
    const run = await runHarmonix(work, env(), ['app', 'restart', '--descriptor', devFile, '--app', 'orders']);
    expect([run.code, run.err]).toEqual([0, '']);
    expect(run.out.split('\n')[0]).toBe('~ service orders-web: running -> new deployment');
    expect((await service('harmonix-dev', 'orders-web')).deployments).toBeGreaterThanOrEqual(before);
    expect((await audit(devFile, 'orders'))[0]).toMatchObject({ action: 'restart', result: 'SUCCEEDED' });
  });

  test('a function stops with reserved concurrency 0 and starts with its reservation removed', async () => {
    const lambda = new LambdaClient(client());
    const concurrency = async () => (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'quotes-api' }))).ReservedConcurrentExecutions;
    try {
      const start = await runHarmonix(work, env(), ['app', 'start', '--descriptor', qaFile, '--app', 'quotes']);
      expect([start.code, start.err, start.out.split('\n')[0]]).toEqual([0, '', '~ function quotes-api: stopped (reserved 0) -> unreserved']);
      expect(await concurrency()).toBeUndefined();
      const stop = await runHarmonix(work, env(), ['app', 'stop', '--descriptor', qaFile, '--app', 'quotes']);
      expect([stop.code, stop.err]).toEqual([0, '']);
      expect(await concurrency()).toBe(0);
      const scale = await runHarmonix(work, env(), ['app', 'scale', '--descriptor', qaFile, '--app', 'quotes', '--count', '2']);
      expect([scale.code, scale.err.trim()]).toEqual([3, 'harmonix: app quotes runs no ECS service in environment qa: only container apps scale; stop and start its functions instead.']);
    } finally {
      lambda.destroy();
    }
  });

  test('a gated environment is not stopped without --force; with it, it is, and recorded', async () => {
    const refused = await runHarmonix(work, env(), ['app', 'stop', '--descriptor', prodFile, '--app', 'orders']);
    expect([refused.code, refused.err.trim()]).toEqual([3, 'harmonix: environment prod is a gated stage (its deployments wait for approval), so stop of app orders needs --force: '
      + 'its users would lose the app.']);
    expect((await service('harmonix-prod', 'orders-web')).desired).toBe(2);
    expect(await audit(prodFile, 'orders')).toEqual([]);
    const forced = await runHarmonix(work, env(), ['app', 'stop', '--descriptor', prodFile, '--app', 'orders', '--force']);
    expect([forced.code, forced.err]).toEqual([0, '']);
    expect((await service('harmonix-prod', 'orders-web')).desired).toBe(0);
    expect((await audit(prodFile, 'orders')).map(r => `${r.action} ${r.result}`)).toEqual(['stop SUCCEEDED', 'stop STARTED']);
  });
});
