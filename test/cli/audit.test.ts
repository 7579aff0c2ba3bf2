import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import * as sdk from '@aws-sdk/client-dynamodb';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { ServerlessEnvironment } from '../../src';
import { baseProps } from '../fixtures/app';
import { deployedDescriptor } from '../fixtures/app-environments';
import { createAuditTable, functionUrlEvent } from '../fixtures/audit';
import { MotoServer, startMoto } from '../fixtures/python-tools';
import { ROOT } from '../fixtures/readme';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const writer = require('../../assets/audit-writer/index.js');

/** The pipeline's credentials, and who they are (as STS would say once the role is assumed). */
const PIPELINE = { accessKeyId: 'ASIAPIPELINEEXAMPLE', secretAccessKey: 'pipeline-secret', sessionToken: 'pipeline-session' };
const PIPELINE_ARN = 'arn:aws:sts::111111111111:assumed-role/harmonix-dev-provisioning/gitlab-orders-pipeline-981';
const SECRETS: Record<string, { secret: string; arn: string }> = { [PIPELINE.accessKeyId]: { secret: PIPELINE.secretAccessKey, arn: PIPELINE_ARN } };

/**
 * A stand-in for the Lambda function URL in front of the audit writer: it checks the SigV4
 * signature as IAM does (service lambda, the environment's region, the known secret), then hands
 * the request to the real audit writer code, which writes to DynamoDB (moto's server).
 */
function functionUrl(client: DynamoDBClient, region: string): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const reply = (status: number, payload: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(payload)); };
      const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? '');
      const known = auth && SECRETS[auth[1]];
      if (!auth || !known || auth[3] !== region || auth[4] !== 'lambda') {
        return reply(403, { Message: 'Forbidden' });
      }
      const signedHeaders = auth[5].split(';');
      const headers = Object.fromEntries(signedHeaders.map(h => [h, String(req.headers[h])]));
      const amzDate = String(req.headers['x-amz-date']);
      const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
      const [hostname, port] = String(req.headers.host).split(':');
      const expected = await new SignatureV4({
        service: 'lambda',
        region,
        sha256: Hash.bind(null, 'sha256'),
        credentials: { accessKeyId: auth[1], secretAccessKey: known.secret, sessionToken: req.headers['x-amz-security-token'] as string },
      }).sign({ method: req.method!, protocol: 'http:', hostname, port: Number(port), path: req.url!, query: {}, headers, body }, { signingDate });
      if (expected.headers.authorization !== req.headers.authorization) {
        return reply(403, { Message: 'The request signature we calculated does not match the signature you provided.' });
      }
      const answer = await writer.writeRecord(functionUrlEvent(body, known.arn, req.method), client, sdk, { TABLE_NAME: 'audit', RETENTION_DAYS: '0' });
      res.writeHead(answer.statusCode, answer.headers);
      res.end(answer.body);
    });
  });
}

describe('harmonix audit record: the pipeline records a deployment through the audit writer', () => {
  let moto: MotoServer;
  let client: DynamoDBClient;
  let server: http.Server;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-audit-'));
  const descriptorFile = path.join(dir, 'dev.json');
  const deployed = JSON.parse(deployedDescriptor(s => new ServerlessEnvironment(s, 'Env', baseProps())));

  /** Runs the real bin with the given AWS credentials (none: no credential source at all). */
  type Run = { code: number; out: string; err: string };
  const harmonix = (credentials: Partial<typeof PIPELINE> | undefined, ...args: string[]) => new Promise<Run>(resolve => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none') };
    if (credentials) {
      Object.assign(env, {
        AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: credentials.sessionToken,
      });
    }
    execFile(process.execPath, [path.join(ROOT, 'bin', 'harmonix'), 'audit', 'record', ...args], { env, timeout: 30_000 }, (error, out, err) => {
      resolve({ code: error ? Number((error as any).code) : 0, out, err });
    });
  });

  beforeAll(async () => {
    moto = await startMoto();
    client = new DynamoDBClient({ endpoint: moto.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await createAuditTable(client, 'audit');
    server = functionUrl(client, deployed.region);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    fs.writeFileSync(descriptorFile, JSON.stringify({ ...deployed, auditWriterUrl: `http://127.0.0.1:${port}/` }));
  }, 300_000);

  afterAll(() => {
    server?.close();
    client?.destroy();
    moto?.stop();
  });

  test('records who (the signer), what version, when and the result; STARTED then SUCCEEDED', async () => {
    const started = await harmonix(PIPELINE, '--descriptor', descriptorFile, '--app', 'orders', '--result', 'STARTED', '--version', '4f2a9c1');
    expect([started.code, started.err]).toEqual([0, '']);
    expect(started.out).toMatch(new RegExp(`^recorded deploy STARTED of app/orders in dev at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z as ${PIPELINE_ARN}\\n$`));
    const done = await harmonix(PIPELINE, '--descriptor', descriptorFile, '--app', 'orders', '--result', 'SUCCEEDED', '--version', '4f2a9c1',
      '--detail', 'pipeline=https://gitlab.example.com/shop/orders/-/pipelines/981', '--json');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({ subject: 'app/orders', actor: PIPELINE_ARN });

    const items = (await client.send(new QueryCommand({
      TableName: 'audit', KeyConditionExpression: 'subject = :s', ExpressionAttributeValues: { ':s': { S: 'app/orders' } },
    }))).Items!;
    expect(items.map(i => [i.actor.S, i.action.S, i.result.S, i.version.S])).toEqual([
      [PIPELINE_ARN, 'deploy', 'STARTED', '4f2a9c1'],
      [PIPELINE_ARN, 'deploy', 'SUCCEEDED', '4f2a9c1'],
    ]);
    expect(JSON.parse(items[1].details.S!)).toEqual({ pipeline: 'https://gitlab.example.com/shop/orders/-/pipelines/981' });
  }, 60_000);

  test('a signature the function URL does not accept ends with exit code 5 and the reason', async () => {
    const run = await harmonix({ ...PIPELINE, secretAccessKey: 'not-the-secret' }, '--descriptor', descriptorFile, '--app', 'orders', '--result', 'FAILED');
    expect(run.code).toBe(5);
    expect(run.err).toMatch(/^harmonix: the audit writer of environment dev refused the record \(HTTP 403\): the caller may not invoke it/);
  }, 60_000);

  test('no credentials at all ends with exit code 5 and says where to run it', async () => {
    const run = await harmonix(undefined, '--descriptor', descriptorFile, '--app', 'orders', '--result', 'FAILED');
    expect(run.code).toBe(5);
    expect(run.err).toMatch(/^harmonix: no AWS credentials to sign the audit record with .*provisioning role/);
  }, 60_000);

  test('bad input: an unknown result, a descriptor of schema 1.0 without writer, a missing file', async () => {
    const bad = await harmonix(PIPELINE, '--descriptor', descriptorFile, '--app', 'orders', '--result', 'OK');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/argument 'OK' is invalid. Allowed choices are STARTED, SUCCEEDED, FAILED, CANCELLED/);
    const old = path.join(dir, 'old.json');
    fs.writeFileSync(old, JSON.stringify({ ...deployed, auditWriterUrl: undefined }));
    const noWriter = await harmonix(PIPELINE, '--descriptor', old, '--app', 'orders', '--result', 'FAILED');
    expect([noWriter.code, noWriter.err]).toEqual([3, 'harmonix: environment dev has no audit writer URL in its descriptor (schema 1.0); deploy the environment with a current harmonix-cdk and read its descriptor again.\n']);
    const missing = await harmonix(PIPELINE, '--descriptor', path.join(dir, 'nope.json'), '--app', 'orders', '--result', 'FAILED');
    expect(missing.code).toBe(3);
    // Checked before the descriptor is read or anything is signed: a missing file does not hide them.
    for (const [args, error] of [
      [['--app', 'Orders App'], 'harmonix: --app "Orders App" is not an app name: 1 to 40 lower-case letters'],
      [['--app', 'orders', '--action', 'DROP TABLE'], 'harmonix: --action "DROP TABLE" is not an action'],
      [['--app', 'orders', '--version', 'a b'], 'harmonix: --version "a b" is not a version'],
    ] as Array<[string[], string]>) {
      const run = await harmonix(PIPELINE, '--descriptor', path.join(dir, 'nope.json'), ...args, '--result', 'FAILED');
      expect([run.code, run.err.split('\n').length, run.err.startsWith(error)]).toEqual([2, 2, true]);
    }
  }, 60_000);
});
