import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GitHost } from '../../src';
import { descriptorText, generate } from '../fixtures/blueprints';
import { CliRun, descriptorFolder, motoEnv, registerApps, runHarmonix } from '../fixtures/cli';
import { FakeGithub, startGithub } from '../fixtures/github-server';
import { MotoServer, startMoto } from '../fixtures/python-tools';

const IMAGE_REPOSITORY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders';
const BUILD_ROLE = 'arn:aws:iam::123456789012:role/harmonix-orders-build';

/**
 * `harmonix create-app --git-host github` through the built command line: AWS against moto,
 * GitHub against a local server behind Prism, which validates every request against GitHub's
 * OpenAPI description (test/fixtures/openapi/github-v3.json, from @octokit/openapi).
 */
describe('harmonix create-app --git-host github, against moto and a GitHub validated by its OpenAPI description', () => {
  let moto: MotoServer;
  let team: FakeGithub;
  let free: FakeGithub;
  let work: string;
  let descriptors: string;

  const harmonix = (env: Record<string, string | undefined>, ...args: string[]) =>
    runHarmonix(work, { ...motoEnv(moto.endpoint, work), GITHUB_TOKEN: 'ghp-good', ...env }, args);
  const lastLine = (run: CliRun) => run.err.trim().split('\n').at(-1);
  const generated = (owner: string, name: string) => {
    const dir = generate('harmonix-node-service', { dev: descriptorText('ECS', 'dev', 1), prod: descriptorText('ECS', 'prod', 3, true) },
      { gitHost: GitHost.GITHUB, githubRepository: `${owner}/${name}` });
    const target = path.join(work, `${owner}-${name}`);
    fs.renameSync(dir, target);
    return target;
  };
  const createApp = (github: FakeGithub, owner: string, name: string, dir: string, ...more: string[]) => ['create-app', '--git-host', 'github',
    '--blueprint', 'harmonix-node-service', '--name', name, '--group', owner, '--descriptors', descriptors, '--dir', dir, '--github-api-url', github.url, ...more];

  beforeAll(async () => {
    [moto, team, free] = await Promise.all([
      startMoto(),
      startGithub({ user: 'dev-user', organizations: ['acme'], teams: ['acme/platform'], tokens: ['ghp-good'], plan: 'team' }),
      startGithub({ user: 'dev-user', organizations: ['acme'], teams: [], tokens: ['ghp-good'], plan: 'free' }),
    ]);
    await registerApps(moto.endpoint, ['orders', 'stock', 'shop', 'taken'], BUILD_ROLE);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-create-app-github-'));
    descriptors = descriptorFolder(work, { dev: descriptorText('ECS', 'dev', 1), prod: descriptorText('ECS', 'prod', 3, true) });
  }, 180_000);
  afterAll(async () => {
    await Promise.all([team?.close(), free?.close()]);
    moto?.stop();
  });
  afterEach(() => {
    expect(team.violations()).toEqual([]);
    expect(free.violations()).toEqual([]);
  });

  test('creates the repository in the organization, one commit of every file on main, main protected, variables, a sealed secret, '
    + 'the gated environment reviewed by the team; a second run changes nothing but the secret', async () => {
    const dir = generated('acme', 'orders');
    const run = await harmonix({ SONAR_TOKEN: 'sq_0123456789abcdef' }, ...createApp(team, 'acme', 'orders', dir, '--secret', 'SONAR_TOKEN', '--reviewer-team', 'platform'));
    expect([run.code, run.err.includes('harmonix:') ? run.err : '']).toEqual([0, '']);
    expect(run.err.trim().split('\n')).toEqual([
      `= repo ${dir}: generated before; used as it is`,
      `+ repository acme/orders: ${team.url}/acme/orders`,
      expect.stringMatching(/^\+ branch main: commit [0-9a-f]{8} with \d+ files$/),
      '+ protected branch main: no force push, no deletion, admins included',
      '+ variable HARMONIX_IMAGE_REPOSITORY: an Actions variable',
      '+ variable HARMONIX_BUILD_ROLE_ARN: an Actions variable',
      '+ secret SONAR_TOKEN: an Actions secret, sealed (GitHub cannot show it back, so each run writes it)',
      '+ environment prod: deployments wait for acme/platform, from protected branches only',
    ]);
    const repo = team.repo('acme/orders')!;
    expect(repo.private).toBe(true);
    const files = team.files('acme/orders', 'main');
    for (const file of ['.github/workflows/pipeline.yml', 'catalog-info.yaml', 'Dockerfile', 'package.json', 'infra/main.ts', '.harmonix/environments/prod.json']) {
      expect([file, files.get(file)?.content.toString('utf8')]).toEqual([file, fs.readFileSync(path.join(dir, file), 'utf8')]);
    }
    // The commit's tree is the generated repo's: GitHub's first README is gone, and the commit follows GitHub's first.
    expect(files.get('README.md')?.content.toString('utf8')).toBe(fs.readFileSync(path.join(dir, 'README.md'), 'utf8'));
    expect(repo.protection).toEqual({
      required_status_checks: null,
      enforce_admins: true,
      required_pull_request_reviews: null,
      restrictions: null,
      allow_force_pushes: false,
      allow_deletions: false,
    });
    expect(Object.fromEntries(repo.variables)).toEqual({ HARMONIX_IMAGE_REPOSITORY: IMAGE_REPOSITORY, HARMONIX_BUILD_ROLE_ARN: BUILD_ROLE });
    expect(repo.secrets.get('SONAR_TOKEN')).toBe('sq_0123456789abcdef');
    expect(repo.environments.get('prod')).toEqual({ name: 'prod', protection_rules: [{ type: 'required_reviewers', reviewers: [{ type: 'Team', id: 900 }] }] });
    expect(repo.environments.has('dev')).toBe(false);

    const before = team.requests.length;
    const again = await harmonix({ SONAR_TOKEN: 'sq_0123456789abcdef' },
      ...createApp(team, 'acme', 'orders', dir, '--secret', 'SONAR_TOKEN', '--reviewer-team', 'platform', '--json'));
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out).steps.map((s: any) => `${s.status} ${s.step}`)).toEqual([
      `exists repo ${dir}`, 'exists repository acme/orders', 'exists branch main', 'exists protected branch main',
      'exists variable HARMONIX_IMAGE_REPOSITORY', 'exists variable HARMONIX_BUILD_ROLE_ARN', 'updated secret SONAR_TOKEN', 'exists environment prod',
    ]);
    expect(team.requests.slice(before).filter(r => !r.startsWith('GET ')).map(r => r.replace(/\/[^/]+$/, '/<name>')))
      .toEqual(['PUT /repos/acme/orders/actions/secrets/<name>']);
  }, 120_000);

  test('a repository of the token\'s user, its gated environment reviewed by the user; --dry-run first changes nothing', async () => {
    const dir = generated('dev-user', 'stock');
    const before = team.requests.length;
    const plan = await harmonix({}, ...createApp(team, 'dev-user', 'stock', dir, '--dry-run', '--json'));
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.out).steps.map((s: any) => s.status)).toEqual(['planned', 'planned', 'planned', 'planned', 'planned', 'planned', 'planned']);
    expect(team.requests.slice(before).filter(r => !r.startsWith('GET '))).toEqual([]);
    const run = await harmonix({}, ...createApp(team, 'dev-user', 'stock', dir, '--visibility', 'public'));
    expect(run.code).toBe(0);
    expect(team.repo('dev-user/stock')!.private).toBe(false);
    expect(team.repo('dev-user/stock')!.environments.get('prod')).toEqual(expect.objectContaining({
      protection_rules: [{ type: 'required_reviewers', reviewers: [{ type: 'User', id: 7 }] }],
    }));
  }, 120_000);

  test('on a plan without them for private repositories: main unprotected is said, and required reviewers refused stop it in one sentence', async () => {
    const dir = generated('acme', 'shop');
    const run = await harmonix({}, ...createApp(free, 'acme', 'shop', dir));
    expect(run.err).toContain(`! protected branch main: ${free.url} does not protect branches of this repository (403: private repositories need `
      + 'GitHub Pro, Team or Enterprise); main stays unprotected: make it public or upgrade, and run the same command again');
    expect([run.code, lastLine(run)]).toEqual([7, `harmonix: GitHub at ${free.url} refused required reviewers for the environment prod (422: private repositories `
      + 'need GitHub Team or Enterprise for them): without them its deployments would not wait for anyone; make the repository public (--visibility public) '
      + 'or upgrade (done before it: repository acme/shop created, branch main created, variable HARMONIX_IMAGE_REPOSITORY created, '
      + 'variable HARMONIX_BUILD_ROLE_ARN created; run the same command again to continue).']);
  }, 120_000);

  test('refuses in one sentence: an owner that is neither the user nor an organization, a name taken, a refused token, no token', async () => {
    const dir = generated('nobody', 'orders');
    const noOwner = await harmonix({}, ...createApp(team, 'nobody', 'orders', dir));
    expect([noOwner.code, lastLine(noOwner)]).toEqual([7, `harmonix: the owner nobody is neither the token's user (dev-user) nor an organization on ${team.url} `
      + 'it can see: create the organization first, or name another with --group.']);
    team.addRepo('acme/taken', 'somebody else\'s repository');
    const taken = await harmonix({}, ...createApp(team, 'acme', 'taken', dir));
    expect([taken.code, lastLine(taken)]).toEqual([7, `harmonix: the name taken is taken in acme: ${team.url}/acme/taken exists and create-app did not make it `
      + 'for this app (its description is not "taken: a harmonix-cdk app (harmonix-node-service), made by harmonix create-app"); pick another --name, or another --group.']);
    const refused = await harmonix({ GITHUB_TOKEN: 'ghp-revoked' }, ...createApp(team, 'acme', 'orders', dir));
    expect([refused.code, lastLine(refused)]).toEqual([7, `harmonix: GitHub at ${team.url} refused the token (401) to read the token's user: it is unknown, expired `
      + 'or revoked; create a new one.']);
    const noToken = await harmonix({ GITHUB_TOKEN: undefined }, ...createApp(team, 'acme', 'orders', dir));
    expect([noToken.code, lastLine(noToken)]).toEqual([7, 'harmonix: no GitHub token: set GITHUB_TOKEN to a token that may create repositories, environments '
      + 'and Actions variables (or name another variable with --token-env).']);
  }, 120_000);
});
