import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { MotoServer, startMoto } from '../fixtures/python-tools';
import { ROOT } from '../fixtures/readme';

const DEV_ROLE = 'arn:aws:iam::111111111111:role/harmonix-dev-provisioning';
const example = (file: string) => fs.readFileSync(path.join(ROOT, 'examples', 'descriptors', file), 'utf8');
const formatted = (text: string) => `${JSON.stringify(JSON.parse(text), undefined, 2)}\n`;

/**
 * `harmonix env fetch` and `harmonix doctor` against moto's server: real STS (GetCallerIdentity,
 * AssumeRole into the environment's account) and SSM protocols, through the command line as built.
 */
describe('harmonix env fetch and doctor, against moto\'s STS and SSM', () => {
  let moto: MotoServer;
  let ssm: SSMClient;
  let repo: string;

  /** Runs the built command line in the repo folder, with credentials for moto unless told otherwise. */
  type Run = { code: number; out: string; err: string };
  const harmonix = (env: Record<string, string | undefined>, ...args: string[]) => new Promise<Run>(resolve => {
    const base: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: repo,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    };
    const merged = Object.fromEntries(Object.entries({ ...base, ...env }).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
    execFile(process.execPath, [path.join(ROOT, 'bin', 'harmonix'), ...args], { cwd: repo, env: merged, timeout: 60_000 }, (error, out, err) =>
      resolve({ code: error ? (error as any).code ?? 1 : 0, out: String(out), err: String(err) }));
  });

  beforeAll(async () => {
    moto = await startMoto();
    // SSM as the dev account's provisioning role sees it (moto keeps each account's data apart).
    const assumed = await new STSClient({ endpoint: moto.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } })
      .send(new AssumeRoleCommand({ RoleArn: DEV_ROLE, RoleSessionName: 'setup' }));
    ssm = new SSMClient({
      endpoint: moto.endpoint,
      region: 'eu-west-1',
      credentials: {
        accessKeyId: assumed.Credentials!.AccessKeyId!,
        secretAccessKey: assumed.Credentials!.SecretAccessKey!,
        sessionToken: assumed.Credentials!.SessionToken,
      },
    });
    await ssm.send(new PutParameterCommand({ Name: '/harmonix/environments/dev', Value: example('dev.json'), Type: 'String' }));
    await ssm.send(new PutParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version', Value: '27', Type: 'String' }));
    // A parameter that another environment's descriptor was copied into.
    await ssm.send(new PutParameterCommand({ Name: '/harmonix/environments/qa', Value: example('qa-ecs.json'), Type: 'String' }));
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-env-'));
  }, 120_000);
  afterAll(() => moto?.stop());

  test('fetch: assumes the role, says which account it read, writes the checked descriptor; again: unchanged', async () => {
    const run = await harmonix({}, 'env', 'fetch', 'dev', '--role-arn', DEV_ROLE);
    expect([run.code, run.out]).toEqual([0, 'dev: ECS environment, stage 1: .harmonix/environments/dev.json written\n']);
    expect(run.err).toBe('reading from account 111111111111 as arn:aws:sts::111111111111:assumed-role/harmonix-dev-provisioning/harmonix-cli, in eu-west-1\n');
    expect(fs.readFileSync(path.join(repo, '.harmonix', 'environments', 'dev.json'), 'utf8')).toBe(formatted(example('dev.json')));
    const again = await harmonix({}, 'env', 'fetch', 'dev', '--role-arn', DEV_ROLE, '--json');
    expect(JSON.parse(again.out)).toEqual({
      account: '111111111111',
      region: 'eu-west-1',
      environments: [{ name: 'dev', kind: 'ECS', stage: 1, requireApproval: false, file: '.harmonix/environments/dev.json', status: 'unchanged' }],
    });
  }, 60_000);

  test('fetch refuses, in one sentence: no descriptor in that account, a descriptor of another environment, bad input, no credentials', async () => {
    const elsewhere = await harmonix({}, 'env', 'fetch', 'dev');
    expect([elsewhere.code, elsewhere.err.split('\n').at(-2)]).toEqual([3,
      'harmonix: environment "dev" has no descriptor at /harmonix/environments/dev in account 123456789012, eu-west-1: is it deployed there? Read another account with --profile or --role-arn, another region with --region.']);
    const copied = await harmonix({}, 'env', 'fetch', 'dev', 'qa', '--role-arn', DEV_ROLE);
    expect(copied.code).toBe(3);
    expect(copied.err).toContain('harmonix: /harmonix/environments/qa in account 111111111111, eu-west-1 describes environment "qa" of account 333333333333, eu-west-1');
    // Nothing is written when one environment fails: dev.json is still the one from before.
    expect(fs.readdirSync(path.join(repo, '.harmonix', 'environments'))).toEqual(['dev.json']);
    const name = await harmonix({}, 'env', 'fetch', 'Dev');
    expect([name.code, name.err]).toEqual([2, 'harmonix: "Dev" is not an environment name: 2 to 32 lower-case letters, digits and single hyphens, starting with a letter.\n']);
    const region = await harmonix({ AWS_REGION: undefined }, 'env', 'fetch', 'dev');
    expect([region.code, region.err]).toEqual([2, 'harmonix: no AWS region: give --region, or set AWS_REGION.\n']);
    const role = await harmonix({}, 'env', 'fetch', 'dev', '--role-arn', 'harmonix-dev-provisioning');
    expect(role.code).toBe(2);
    const none = await harmonix({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }, 'env', 'fetch', 'dev');
    expect(none.code).toBe(5);
    expect(none.err).toMatch(/^harmonix: no AWS credentials to ask STS who the caller is with: sign in/);
  }, 120_000);

  test('doctor: who, current descriptors and the bootstrap; a stale descriptor, a missing bootstrap and another account', async () => {
    fs.writeFileSync(path.join(repo, '.harmonix', 'environments', 'qa.json'), example('qa-ecs.json'));
    const fine = await harmonix({}, 'doctor', '--role-arn', DEV_ROLE);
    expect([fine.code, fine.out]).toEqual([0, [
      'caller: arn:aws:sts::111111111111:assumed-role/harmonix-dev-provisioning/harmonix-cli (account 111111111111)',
      'dev: descriptor current, bootstrapped (version 27)',
      'qa: descriptor skipped: it lives in account 333333333333, the credentials in 111111111111: check it with --role-arn of a role of that account',
      'nothing to fix',
      '',
    ].join('\n')]);

    const changed = JSON.parse(example('dev.json'));
    await ssm.send(new PutParameterCommand({ Name: '/harmonix/environments/dev', Value: JSON.stringify({ ...changed, stage: 2 }), Type: 'String', Overwrite: true }));
    await ssm.send(new DeleteParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version' }));
    const sick = await harmonix({}, 'doctor', '--role-arn', DEV_ROLE, '--json');
    expect(sick.code).toBe(6);
    const report = JSON.parse(sick.out);
    expect(report.environments[0]).toEqual({
      name: 'dev',
      file: '.harmonix/environments/dev.json',
      descriptor: 'stale',
      changedFields: ['stage'],
      fix: 'run `harmonix env fetch dev --region eu-west-1`; account 111111111111 is not bootstrapped in eu-west-1 with the qualifier hnb659fds: '
        + 'run `harmonix bootstrap-command --descriptor .harmonix/environments/dev.json` and the command it prints',
    });
    expect(sick.err).toBe('harmonix: dev needs a fix (see above).\n');

    const fetched = await harmonix({}, 'env', 'fetch', 'dev', '--role-arn', DEV_ROLE);
    expect(fetched.out).toContain('dev: ECS environment, stage 2: .harmonix/environments/dev.json written');
  }, 120_000);
});
