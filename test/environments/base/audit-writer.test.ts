import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import * as sdk from '@aws-sdk/client-dynamodb';
import { createAuditTable, functionUrlEvent } from '../../fixtures/audit';
import { MotoServer, startMoto } from '../../fixtures/python-tools';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const writer = require('../../../assets/audit-writer/index.js');

const RUNNER = 'arn:aws:sts::111111111111:assumed-role/harmonix-dev-provisioning/gitlab-job-42';
const BACKSTAGE = 'arn:aws:sts::111111111111:assumed-role/harmonix-dev-operations/jane.doe';

/** A function URL request as Lambda hands it over, signed by `userArn`. */
const request = (body: unknown, userArn: string | null = RUNNER, method = 'POST') => functionUrlEvent(body, userArn, method);

const deploy = { subject: 'app/orders', action: 'deploy', result: 'SUCCEEDED', version: '1.4.2', details: { pipeline: 1234 } };

describe('audit writer: the record it makes', () => {
  const now = new Date('2026-11-26T10:00:00.000Z');

  test('the actor is the signer, the key is made by the writer', () => {
    const record = writer.buildRecord(request(deploy), now, 'id-1', 0);
    expect(record).toEqual({
      subject: 'app/orders',
      timestamp: '2026-11-26T10:00:00.000Z#id-1',
      actor: RUNNER,
      actorId: 'AROAEXAMPLE:session',
      account: '111111111111',
      action: 'deploy',
      result: 'SUCCEEDED',
      version: '1.4.2',
      details: '{"pipeline":1234}',
      sourceIp: '203.0.113.7',
    });
    expect(writer.buildRecord(request(deploy), now, 'id-1', 30).expiresAt).toBe(Math.floor(now.getTime() / 1000) + 30 * 86400);
  });

  test.each([
    ['an unsigned request', request(deploy, null), 403, /only IAM-signed requests/],
    ['a GET', request(deploy, RUNNER, 'GET'), 405, /POST/],
    ['a body that is not JSON', request('{oops'), 400, /JSON object/],
    ['an actor in the body', request({ ...deploy, actor: BACKSTAGE }), 400, /`actor` is set by the audit writer/],
    ['a made-up timestamp', request({ ...deploy, timestamp: '2020-01-01' }), 400, /`timestamp` is set by the audit writer/],
    ['an unknown result', request({ ...deploy, result: 'OK' }), 400, /`result` must be one of STARTED, SUCCEEDED, FAILED, CANCELLED/],
    ['no subject', request({ ...deploy, subject: undefined }), 400, /`subject` must be a string/],
    ['oversized details', request({ ...deploy, details: 'x'.repeat(5000) }), 400, /`details` must be at most 4096/],
  ])('refuses %s', async (_case, event, status, message) => {
    const response = await writer.writeRecord(event, { send: () => { throw new Error('must not write'); } }, sdk, { TABLE_NAME: 't' });
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body).message).toMatch(message);
  });
});

describe('audit writer against DynamoDB (moto server), on the table the environment defines', () => {
  let moto: MotoServer;
  let client: DynamoDBClient;
  const env = { TABLE_NAME: 'audit', RETENTION_DAYS: '0' };

  beforeAll(async () => {
    moto = await startMoto();
    client = new DynamoDBClient({ endpoint: moto.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    // The key schema and index exactly as the environment synthesizes them.
    await createAuditTable(client, env.TABLE_NAME);
  }, 300_000);

  afterAll(() => {
    client?.destroy();
    moto?.stop();
  });

  test('adds a record stamped with the signer, readable by subject and by actor', async () => {
    const response = await writer.writeRecord(request(deploy), client, sdk, env, new Date('2026-11-26T10:00:00Z'), 'a');
    expect(response.statusCode).toBe(201);
    const item = await client.send(new GetItemCommand({
      TableName: env.TABLE_NAME, Key: { subject: { S: 'app/orders' }, timestamp: { S: '2026-11-26T10:00:00.000Z#a' } },
    }));
    expect(item.Item?.actor).toEqual({ S: RUNNER });
    expect(item.Item?.result).toEqual({ S: 'SUCCEEDED' });
    const byActor = await client.send(new QueryCommand({
      TableName: env.TABLE_NAME, IndexName: 'byActor', KeyConditionExpression: 'actor = :a', ExpressionAttributeValues: { ':a': { S: RUNNER } },
    }));
    expect(byActor.Items?.map(i => i.subject.S)).toEqual(['app/orders']);
  });

  test('never replaces a record: the same key is refused with 409 and the first record stays', async () => {
    const when = new Date('2026-11-26T11:00:00Z');
    expect((await writer.writeRecord(request(deploy), client, sdk, env, when, 'b')).statusCode).toBe(201);
    const again = await writer.writeRecord(request({ ...deploy, result: 'FAILED' }, BACKSTAGE), client, sdk, env, when, 'b');
    expect(again.statusCode).toBe(409);
    const item = await client.send(new GetItemCommand({
      TableName: env.TABLE_NAME, Key: { subject: { S: 'app/orders' }, timestamp: { S: '2026-11-26T11:00:00.000Z#b' } },
    }));
    expect([item.Item?.actor.S, item.Item?.result.S]).toEqual([RUNNER, 'SUCCEEDED']);
  });

  test('two callers writing at the same instant get two records, each with its own actor', async () => {
    const when = new Date('2026-11-26T12:00:00Z');
    await writer.writeRecord(request(deploy, RUNNER), client, sdk, env, when);
    await writer.writeRecord(request({ ...deploy, action: 'restart' }, BACKSTAGE), client, sdk, env, when);
    const items = await client.send(new QueryCommand({
      TableName: env.TABLE_NAME,
      KeyConditionExpression: 'subject = :s AND begins_with(#t, :when)',
      ExpressionAttributeNames: { '#t': 'timestamp' },
      ExpressionAttributeValues: { ':s': { S: 'app/orders' }, ':when': { S: '2026-11-26T12:00' } },
    }));
    expect(items.Items?.map(i => [i.actor.S, i.action.S]).sort()).toEqual([[BACKSTAGE, 'restart'], [RUNNER, 'deploy']]);
  });
});
