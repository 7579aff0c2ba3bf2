import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as YAML from 'yaml';
import { BLUEPRINT_FACTS, blueprintFacts, FORMER_BLUEPRINT_NAMES } from '../../src/common/blueprint-facts';
import { BLUEPRINTS, descriptorText, generate, PJIDS } from '../fixtures/blueprints';
import { CliRun, descriptorFolder, motoEnv, registerApps, runHarmonix } from '../fixtures/cli';
import { FakeGitlab, startGitlab } from '../fixtures/gitlab-server';
import { MotoServer, startMoto } from '../fixtures/python-tools';

const IMAGE_REPOSITORY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders';
const BUILD_ROLE = 'arn:aws:iam::123456789012:role/harmonix-runner-build';
const GROUP = 'platform/apps';

/**
 * `harmonix create-app` and `harmonix runner register` through the built command line: AWS against
 * moto's server (STS, SSM, Secrets Manager), GitLab against a local server behind Prism, which
 * validates every request against GitLab's OpenAPI description (test/fixtures/openapi).
 */
describe('harmonix create-app and runner register, against moto and a GitLab validated by its OpenAPI description', () => {
  let moto: MotoServer;
  let premium: FakeGitlab;
  let free: FakeGitlab;
  let work: string;
  let descriptors: string;

  type Run = CliRun;
  const harmonix = (env: Record<string, string | undefined>, ...args: string[]) =>
    runHarmonix(work, { ...motoEnv(moto.endpoint, work), GITLAB_TOKEN: 'glpat-good', ...env }, args);
  const lastLine = (run: Run) => run.err.trim().split('\n').at(-1);
  /** A repo generated before (create-app uses it as it is), in a folder of the work dir. */
  const generated = (name: string, pjid = 'harmonix-node-service' as const) => {
    const dir = generate(pjid, { dev: descriptorText('ECS', 'dev', 1), qa: descriptorText('ECS', 'qa', 2, true) });
    const target = path.join(work, name);
    fs.renameSync(dir, target);
    return target;
  };
  const createApp = (gitlab: FakeGitlab, name: string, ...more: string[]) =>
    ['create-app', '--blueprint', 'harmonix-node-service', '--name', name, '--group', GROUP, '--descriptors', descriptors, '--gitlab-url', gitlab.url, ...more];

  beforeAll(async () => {
    [moto, premium, free] = await Promise.all([
      startMoto(),
      startGitlab({ groups: [GROUP], tokens: { 'glpat-good': ['api'], 'glpat-read': ['read_api'], 'glpat-runner': ['create_runner', 'read_api'] }, tier: 'premium' }),
      startGitlab({ groups: [GROUP], tokens: { 'glpat-good': ['api'] }, tier: 'free' }),
    ]);
    await registerApps(moto.endpoint, ['orders', 'billing', 'ledger', 'stock', 'quotes'], BUILD_ROLE);
    // An app whose parameters outlived its repository.
    const ssm = new SSMClient({ endpoint: moto.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    for (const [what, value] of [['image-repository', IMAGE_REPOSITORY.replace('orders', 'ghost')], ['build-role-arn', BUILD_ROLE]]) {
      await ssm.send(new PutParameterCommand({ Name: `/harmonix/apps/ghost/${what}`, Value: value, Type: 'String' }));
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-create-app-'));
    descriptors = descriptorFolder(work, { dev: descriptorText('ECS', 'dev', 1), qa: descriptorText('ECS', 'qa', 2, true) });
  }, 180_000);
  afterAll(async () => {
    await Promise.all([premium?.close(), free?.close()]);
    moto?.stop();
  });
  afterEach(() => {
    // Every request the command line sent is one GitLab's description accepts.
    expect(premium.violations()).toEqual([]);
    expect(free.violations()).toEqual([]);
  });

  test('the blueprint facts create-app keeps are the blueprints\' own', () => {
    for (const pjid of PJIDS) {
      expect([pjid, BLUEPRINT_FACTS[pjid].kinds]).toEqual([pjid, BLUEPRINTS[pjid].kinds]);
    }
    expect(Object.keys(BLUEPRINT_FACTS).sort()).toEqual([...PJIDS].sort());
    // Former names are taken too, with the facts of the blueprint they name.
    for (const [former, pjid] of Object.entries(FORMER_BLUEPRINT_NAMES)) {
      expect(blueprintFacts(former)).toBe(BLUEPRINT_FACTS[pjid]);
    }
  });

  test('creates the project, commits every file once on main, protects it, sets the variables and protects the gated environment; a second run changes nothing', async () => {
    const dir = generated('orders');
    const run = await harmonix({ SONAR_TOKEN: 'sq_0123456789abcdef' }, ...createApp(premium, 'orders', '--secret', 'SONAR_TOKEN'));
    expect([run.code, run.err.includes('harmonix:') ? run.err : '']).toEqual([0, '']);
    expect(run.err.trim().split('\n')).toEqual([
      `= repo ${dir}: generated before; used as it is`,
      `+ project ${GROUP}/orders: ${premium.url}/${GROUP}/orders`,
      expect.stringMatching(/^\+ branch main: commit [0-9a-f]{8} with \d+ files$/),
      '+ protected branch main: Maintainers push and merge; no force push',
      '+ variable HARMONIX_IMAGE_REPOSITORY: not secret: visible in job logs',
      '+ variable HARMONIX_BUILD_ROLE_ARN: not secret: visible in job logs',
      '+ variable SONAR_TOKEN: masked and protected',
      '+ protected environment qa: Maintainers deploy, 1 approval required',
    ]);
    expect(run.out).toBe(`${GROUP}/orders is ready: ${premium.url}/${GROUP}/orders\nits pipeline runs on each push to main; work in a clone: git clone ${premium.url}/${GROUP}/orders.git\n`);

    const project = premium.project(`${GROUP}/orders`)!;
    expect(project.visibility).toBe('private');
    const main = project.branches.get('main')!;
    // What Git would commit: the generated files, without node_modules or what .gitignore leaves out.
    for (const file of ['.gitlab-ci.yml', 'catalog-info.yaml', 'Dockerfile', 'package.json', 'infra/main.ts', '.harmonix/environments/qa.json']) {
      expect([file, main.files.get(file)?.content.toString('utf8')]).toEqual([file, fs.readFileSync(path.join(dir, file), 'utf8')]);
    }
    expect([...main.files.keys()].some(f => f.startsWith('node_modules/'))).toBe(false);
    expect(project.protectedBranches).toEqual(new Set(['main']));
    expect(project.variables.get('HARMONIX_IMAGE_REPOSITORY')).toEqual(expect.objectContaining({ value: IMAGE_REPOSITORY, masked: false, protected: false }));
    expect(project.variables.get('HARMONIX_BUILD_ROLE_ARN')).toEqual(expect.objectContaining({ value: BUILD_ROLE, masked: false }));
    expect(project.variables.get('SONAR_TOKEN')).toEqual(expect.objectContaining({ value: 'sq_0123456789abcdef', masked: true, protected: true }));
    expect(project.protectedEnvironments.get('qa')).toEqual({
      name: 'qa', deploy_access_levels: [{ access_level: 40 }], approval_rules: [{ access_level: 40, required_approvals: 1 }],
    });
    expect(project.protectedEnvironments.has('dev')).toBe(false);

    const before = premium.requests.length;
    const again = await harmonix({ SONAR_TOKEN: 'sq_0123456789abcdef' }, ...createApp(premium, 'orders', '--secret', 'SONAR_TOKEN', '--json'));
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out).steps.map((s: any) => s.status)).toEqual(['exists', 'exists', 'exists', 'exists', 'exists', 'exists', 'exists', 'exists']);
    expect(again.err).toBe('');
    expect(premium.requests.slice(before).filter(r => !r.startsWith('GET '))).toEqual([]);
  }, 180_000);

  test('--dry-run reads and plans, and changes nothing: no repo folder, no GitLab write', async () => {
    const before = premium.requests.length;
    const run = await harmonix({}, ...createApp(premium, 'billing', '--dry-run', '--json'));
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.out);
    expect(plan).toEqual(expect.objectContaining({ project: `${GROUP}/billing`, dryRun: true }));
    expect(plan.steps.map((s: any) => `${s.status} ${s.step}`)).toEqual([
      `planned repo ${path.join(work, 'billing')}`, `planned project ${GROUP}/billing`, 'planned branch main', 'planned protected branch main',
      'planned variable HARMONIX_IMAGE_REPOSITORY', 'planned variable HARMONIX_BUILD_ROLE_ARN', 'planned protected environment qa',
    ]);
    expect(fs.existsSync(path.join(work, 'billing'))).toBe(false);
    expect(premium.requests.slice(before).filter(r => !r.startsWith('GET '))).toEqual([]);
  }, 60_000);

  test('on GitLab Free, the gated environment keeps its manual job on the protected main branch, and the step says so', async () => {
    const dir = generated('ledger');
    const run = await harmonix({}, ...createApp(free, 'ledger', '--dir', dir));
    expect([run.code, run.err.includes('harmonix:') ? run.err : '']).toEqual([0, '']);
    expect(run.err).toContain(`! protected environment qa: ${free.url} has no protected environments for this project (403: they need GitLab Premium or Ultimate); `
      + 'its deploy job stays manual (when: manual) on the protected main branch');
    const ci = YAML.parse(free.project(`${GROUP}/ledger`)!.branches.get('main')!.files.get('.gitlab-ci.yml')!.content.toString('utf8'));
    expect(ci['deploy-qa'].rules).toEqual([expect.objectContaining({ when: 'manual' })]);
    expect(free.project(`${GROUP}/ledger`)!.protectedBranches.has('main')).toBe(true);
  }, 120_000);

  test('a GitLab failing halfway: the error says what was done; the same command again continues', async () => {
    const dir = generated('stock');
    premium.failNext('POST', /\/variables$/, 500, '500 Internal Server Error');
    const failed = await harmonix({}, ...createApp(premium, 'stock', '--dir', dir));
    expect([failed.code, lastLine(failed)]).toEqual([7,
      `harmonix: GitLab at ${premium.url} refused (500) to set the variable HARMONIX_IMAGE_REPOSITORY: 500 Internal Server Error (done before it: `
      + `project ${GROUP}/stock created, branch main created, protected branch main created; run the same command again to continue).`]);
    const resumed = await harmonix({}, ...createApp(premium, 'stock', '--dir', dir, '--json'));
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out).steps.map((s: any) => `${s.status} ${s.step}`)).toEqual([
      `exists repo ${dir}`, `exists project ${GROUP}/stock`, 'exists branch main', 'exists protected branch main',
      'created variable HARMONIX_IMAGE_REPOSITORY', 'created variable HARMONIX_BUILD_ROLE_ARN', 'created protected environment qa',
    ]);
  }, 120_000);

  test('refuses in one sentence: no such group, a name taken, a token refused or without scope, no token, an unmaskable secret, no AWS credentials', async () => {
    const noGroup = await harmonix({}, ...createApp(premium, 'orders', '--group', 'platform/nowhere'));
    expect([noGroup.code, lastLine(noGroup)]).toEqual([7,
      `harmonix: the group platform/nowhere does not exist on ${premium.url}, or the token's user cannot see it: create it first, or name another with --group.`]);

    premium.addProject(`${GROUP}/taken`, 'somebody else\'s project');
    const taken = await harmonix({}, ...createApp(premium, 'taken'));
    expect([taken.code, lastLine(taken)]).toEqual([7, `harmonix: the name taken is taken in ${GROUP}: ${premium.url}/${GROUP}/taken exists and create-app did not make it `
      + 'for this app (its description is not "taken: a harmonix-cdk app (harmonix-node-service), made by harmonix create-app"); pick another --name, or another --group.']);

    const refused = await harmonix({ GITLAB_TOKEN: 'glpat-revoked' }, ...createApp(premium, 'quotes'));
    expect([refused.code, lastLine(refused)]).toEqual([7, `harmonix: GitLab at ${premium.url} refused the token (401) to read the group ${GROUP}: `
      + 'it is unknown, expired or revoked; create a new access token with the api scope.']);

    const dir = generated('quotes');
    const readOnly = await harmonix({ GITLAB_TOKEN: 'glpat-read' }, ...createApp(premium, 'quotes', '--dir', dir));
    expect([readOnly.code, lastLine(readOnly)]).toEqual([7, `harmonix: GitLab at ${premium.url} forbade it (403) to create the project ${GROUP}/quotes: the token needs `
      + 'the api scope (create_runner and read_api for runners), and its user the Maintainer role or more; GitLab said: insufficient_scope '
      + '(nothing was changed before it; run the same command again to continue).']);
    expect(premium.project(`${GROUP}/quotes`)).toBeUndefined();

    const noToken = await harmonix({ GITLAB_TOKEN: undefined }, ...createApp(premium, 'quotes'));
    expect([noToken.code, lastLine(noToken)]).toEqual([7,
      'harmonix: no GitLab token: set GITLAB_TOKEN to an access token with the api scope (or name another variable with --token-env).']);

    const before = premium.requests.length;
    const unmaskable = await harmonix({ DB_PASSWORD: 'pa ss/word' }, ...createApp(premium, 'quotes', '--secret', 'DB_PASSWORD'));
    expect([unmaskable.code, lastLine(unmaskable)]).toEqual([3, 'harmonix: --secret DB_PASSWORD: GitLab cannot mask its value (it holds a space), and create-app will not '
      + 'store a secret unmasked; use a value of 8 or more letters, digits and @ _ - : + (base64url-encode it, for example).']);
    expect(premium.requests.length).toBe(before);

    const noAws = await harmonix({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: 'none', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      ...createApp(premium, 'quotes'));
    expect(noAws.code).toBe(5);
    expect(lastLine(noAws)).toMatch(/^harmonix: no AWS credentials to ask STS who the caller is with: sign in/);
  }, 180_000);

  test('refuses a descriptor of a kind the blueprint cannot deploy to, and an app the platform has not registered', async () => {
    const mixed = path.join(work, 'mixed');
    fs.mkdirSync(mixed);
    fs.writeFileSync(path.join(mixed, 'dev.json'), descriptorText('SERVERLESS', 'dev', 1));
    const wrongKind = await harmonix({}, 'create-app', '--blueprint', 'harmonix-node-service', '--name', 'quotes', '--group', GROUP, '--descriptors', mixed, '--gitlab-url', premium.url);
    expect([wrongKind.code, lastLine(wrongKind)]).toEqual([3, 'harmonix: environment "dev" is a SERVERLESS environment, and harmonix-node-service deploys to ECS or EKS environments only: '
      + 'leave it out, or pick the blueprint for it.']);
    const unregistered = await harmonix({}, ...createApp(premium, 'unknown'));
    expect([unregistered.code, lastLine(unregistered)]).toEqual([3, 'harmonix: unknown is not registered with the platform: /harmonix/apps/unknown/image-repository is missing '
      + 'in account 123456789012, eu-west-1; register it (GitlabRunner.registerApp({ appName: \'unknown\' })), deploy the platform, and run the same command again.']);
    const stale = await harmonix({}, ...createApp(premium, 'ghost'));
    expect([stale.code, lastLine(stale)]).toEqual([3, 'harmonix: /harmonix/apps/ghost/image-repository names the image repository ghost, which does not exist '
      + 'in account 123456789012, eu-west-1 (read as 123456789012): deploy the platform that registers the app, or remove the stale parameter.']);
    const usage = await harmonix({}, 'create-app', '--blueprint', 'harmonix-php', '--name', 'quotes', '--group', GROUP, '--environments', 'dev');
    expect([usage.code, lastLine(usage)]).toEqual([2, 'harmonix: --blueprint "harmonix-php" is not a blueprint: use one of harmonix-node-service, harmonix-python-service, '
      + 'harmonix-java-service, harmonix-serverless-api.']);
  }, 60_000);

  test('runner register: creates the runner, puts its glrt- token into the secret without printing it, and will not create a second unasked', async () => {
    const secrets = new SecretsManagerClient({ endpoint: moto.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const arn = (await secrets.send(new CreateSecretCommand({ Name: 'harmonix-runner-token', Description: 'the runner token' }))).ARN!;
    const register = (...more: string[]) => harmonix({ GITLAB_TOKEN: 'glpat-runner' },
      'runner', 'register', '--runner-secret', arn, '--tags', 'harmonix,arm64', '--gitlab-url', premium.url, ...more);

    const run = await register('--group', GROUP);
    expect([run.code, run.err]).toEqual([0, '']);
    const token = (await secrets.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString!;
    expect(token).toMatch(/^glrt-/);
    expect(premium.runners.at(-1)).toEqual(expect.objectContaining({ runner_type: 'group_type', group_id: expect.any(Number), tag_list: ['harmonix', 'arm64'], token }));
    expect(run.out).toBe(`runner ${premium.runners.at(-1)!.id} created for ${GROUP} (tags harmonix, arm64); its token is in ${arn}: replace the fleet's instances to pick it up\n`);
    expect(`${run.out}${run.err}`).not.toContain(token);

    const again = await register('--group', GROUP);
    expect([again.code, lastLine(again)]).toEqual([3, `harmonix: the secret ${arn} holds a runner token already, so no runner was created: pass --replace to create a new runner `
      + '(then delete the old one in GitLab).']);
    const replaced = await register('--project', `${GROUP}/orders`, '--replace', '--json');
    expect(replaced.code).toBe(0);
    expect(JSON.parse(replaced.out)).toEqual(expect.objectContaining({ runnerType: 'project_type', owner: `${GROUP}/orders` }));
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBe(premium.runners.at(-1)!.token);

    const both = await register('--group', GROUP, '--project', `${GROUP}/orders`);
    expect([both.code, lastLine(both)]).toEqual([2, 'harmonix: say whose runner it is with --group or --project, one of the two.']);
    const noScope = await harmonix({ GITLAB_TOKEN: 'glpat-read' }, 'runner', 'register', '--runner-secret', arn, '--tags', 'a', '--group', GROUP,
      '--gitlab-url', premium.url, '--replace');
    expect([noScope.code, lastLine(noScope)]).toEqual([7, `harmonix: GitLab at ${premium.url} forbade it (403) to create a runner for ${GROUP}: the token needs the api scope `
      + '(create_runner and read_api for runners), and its user the Maintainer role or more; GitLab said: insufficient_scope.']);
  }, 120_000);
});

test('the test GitLab reports a request that GitLab\'s description refuses (the check every test above relies on)', async () => {
  const gitlab = await startGitlab({ groups: [GROUP], tokens: { t: ['api'] }, tier: 'premium' });
  try {
    const post = (body: object) => fetch(`${gitlab.url}/api/v4/projects`, {
      method: 'POST', headers: { 'PRIVATE-TOKEN': 't', 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    await post({ name: 'good', path: 'good', namespace_id: 101 });
    expect(gitlab.violations()).toEqual([]);
    await post({ name: 'bad', namespace_id: 'platform/apps', visibility: 'secret' });
    expect(gitlab.violations().sort()).toEqual([
      'POST /api/v4/projects: request.body.namespace_id Request body property namespace_id must be integer',
      'POST /api/v4/projects: request.body.visibility Request body property visibility must be equal to one of the allowed values: private, internal, public',
    ]);
  } finally {
    await gitlab.close();
  }
}, 60_000);

/**
 * Local inputs are checked before any network call: GitLab, GitHub and AWS all point at a port
 * nothing listens on, so a check that came after one would end in "could not reach".
 */
describe('create-app checks every local input before it calls GitLab, GitHub or AWS', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-create-app-local-'));
  let nowhere: string;
  let good: string;

  beforeAll(async () => {
    const server = net.createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise(resolve => server.close(resolve));
    nowhere = `http://127.0.0.1:${port}`;
    good = descriptorFolder(work, { dev: descriptorText('ECS', 'dev', 1) });
  });

  const folder = (name: string, files: Record<string, string>) => {
    const dir = path.join(work, name);
    fs.mkdirSync(dir);
    Object.entries(files).forEach(([file, text]) => fs.writeFileSync(path.join(dir, file), text));
    return dir;
  };
  const run = (host: 'gitlab' | 'github', args: string[]) => runHarmonix(work, {
    ...motoEnv(nowhere, work), GITLAB_TOKEN: 'glpat-good', GITHUB_TOKEN: 'ghp-good',
  }, ['create-app', '--blueprint', 'harmonix-node-service', '--name', 'orders', '--group', GROUP,
    ...(host === 'gitlab' ? ['--gitlab-url', nowhere] : ['--git-host', 'github', '--github-api-url', nowhere]), ...args]);

  const CASES: Array<[string, () => string[], number, string | RegExp]> = [
    ['a descriptor folder that does not exist', () => ['--descriptors', path.join(work, 'missing')], 3,
      `harmonix: --descriptors ${path.join(work, 'missing')} is not a folder: fetch descriptors into one with harmonix env fetch --dir ${path.join(work, 'missing')}.`],
    ['a descriptor folder without descriptors', () => ['--descriptors', folder('empty', { 'notes.txt': 'x' })], 3,
      `harmonix: --descriptors ${path.join(work, 'empty')} holds no descriptor (<name>.json): fetch them with harmonix env fetch --dir ${path.join(work, 'empty')}.`],
    ['a descriptor that is not JSON', () => ['--descriptors', folder('broken', { 'dev.json': '{ not json' })], 3,
      new RegExp(`^harmonix: ${path.join(work, 'broken', 'dev.json')}.*JSON`)],
    ['a descriptor without its fields', () => ['--descriptors', folder('partial', { 'dev.json': '{"name": "dev"}' })], 3,
      new RegExp(`^harmonix: ${path.join(work, 'partial', 'dev.json')}: `)],
    ['a descriptor under another environment\'s name', () => ['--descriptors', folder('misnamed', { 'prod.json': descriptorText('ECS', 'dev', 1) })], 3,
      `harmonix: ${path.join(work, 'misnamed', 'prod.json')} describes environment "dev": name the file dev.json`],
    ['a descriptor of a kind the blueprint cannot deploy to', () => ['--descriptors', folder('serverless', { 'dev.json': descriptorText('SERVERLESS', 'dev', 1) })], 3,
      'harmonix: environment "dev" is a SERVERLESS environment, and harmonix-node-service deploys to ECS or EKS environments only: '
      + 'leave it out, or pick the blueprint for it.'],
    ['a repo folder holding something else', () => ['--descriptors', good, '--dir', folder('taken', { 'notes.txt': 'mine' })], 3,
      `harmonix: ${path.join(work, 'taken')} is not empty and holds no generated repo: give create-app an empty or new folder with --dir.`],
    ['an AWS region that is none', () => ['--descriptors', good, '--region', 'mars-1'], 2, 'harmonix: --region "mars-1" is not an AWS region (such as eu-west-1).'],
    ['environments to read from SSM, in a region that is none', () => ['--environments', 'dev', '--region', 'Ireland'], 2, 'harmonix: --region "Ireland" is not an AWS region (such as eu-west-1).'],
  ];

  test.each(CASES)('%s: the local sentence, before GitLab or GitHub is called', async (_case, args, code, sentence) => {
    const argv = args();
    for (const host of ['gitlab', 'github'] as const) {
      const result = await run(host, argv);
      const said = result.err.trim();
      expect([host, result.code, said.split('\n').length]).toEqual([host, code, 1]);
      if (typeof sentence === 'string') expect(said).toBe(sentence); else expect(said).toMatch(sentence);
      expect(said).not.toMatch(/could not reach|credentials|STS/);
    }
  }, 60_000);

  test('with every local input right, the first call is the network\'s: GitLab cannot be reached', async () => {
    const result = await run('gitlab', ['--descriptors', good]);
    expect([result.code, result.err.trim()]).toEqual([7, expect.stringMatching(new RegExp(`^harmonix: could not reach GitLab at ${nowhere} to `))]);
  }, 60_000);
});

test('create-app --help shows the current blueprint names in its examples, never the former ones', async () => {
  const help = await runHarmonix(os.tmpdir(), { PATH: process.env.PATH }, ['create-app', '--help']);
  expect(help.code).toBe(0);
  const examples = help.out.slice(help.out.indexOf('Examples:'));
  const named = [...examples.matchAll(/--blueprint (\S+)/g)].map(m => m[1]);
  expect([...new Set(named)].sort()).toEqual(Object.keys(BLUEPRINT_FACTS).sort());
  for (const former of Object.keys(FORMER_BLUEPRINT_NAMES)) {
    expect([former, help.out.includes(former)]).toEqual([former, false]);
  }
}, 60_000);
