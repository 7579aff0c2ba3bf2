import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createApp, CreateAppRequest, InputNames, parseDescriptor } from '../../src/cli/api';
import { descriptorText } from '../fixtures/blueprints';

/**
 * `harmonix create-app` as the function the Backstage scaffolder module runs (src/cli/api.ts): its
 * refusals speak the caller's words, and `checkOnly` (a Backstage dry run) checks every local input
 * and stops before any network call. Every address points at a port nothing listens on, so a call
 * that went out would fail differently.
 */
const FORM: InputNames = {
  blueprint: 'blueprint',
  environments: 'environments',
  gitHost: 'the repository location\'s host',
  gitlabUrl: 'integrations.gitlab[].baseUrl',
  githubApiUrl: 'integrations.github[].apiBaseUrl',
  dir: '',
  options: 'option',
  otherGroup: 'pick another owner in the repository location',
  otherName: 'pick another name, or another owner in the repository location',
  generateTimeout: 'harmonix.generateTimeoutMinutes',
  retry: 'run the template again with the same values',
};

function request(overrides: Partial<CreateAppRequest> = {}): CreateAppRequest {
  const text = descriptorText('ECS', 'dev', 1);
  return {
    blueprint: 'harmonix-node-service',
    name: 'orders',
    group: 'shop/apps',
    gitHost: 'gitlab',
    gitlabUrl: 'http://127.0.0.1:9',
    token: 'glpat-unused',
    tokenSource: 'integrations.gitlab[host=127.0.0.1:9].token',
    descriptors: [{ name: 'dev', text, descriptor: parseDescriptor('dev', text) }],
    dir: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-api-')), 'orders'),
    visibility: 'private',
    approvals: 1,
    generateTimeoutMinutes: 20,
    aws: { region: 'eu-west-1' },
    inputs: FORM,
    checkOnly: true,
    ...overrides,
  };
}

test('checkOnly: every local input checked, one planned step, nothing called', async () => {
  const lines: string[] = [];
  const result = await createApp(request({ report: l => lines.push(l), blueprintOptions: { eksNamespace: 'shop', runnerTags: ['small'], containerPort: 8080 } }));
  expect(result).toMatchObject({ project: 'shop/apps/orders', dryRun: true, defaultBranch: 'main' });
  expect(result.webUrl).toBeUndefined();
  expect(result.steps.map(s => s.status)).toEqual(['planned']);
  expect(lines).toEqual([expect.stringMatching(/^\? repository shop\/apps\/orders: on http:\/\/127\.0\.0\.1:9: generate harmonix-node-service into .*orders and push it$/)]);
});

test('refusals in the caller\'s words, before any network call', async () => {
  await expect(createApp(request({ blueprint: 'harmonix-php' }))).rejects.toThrow(/^blueprint "harmonix-php" is not a blueprint: use one of harmonix-node-service, /);
  await expect(createApp(request({ blueprintOptions: { gitlabProjectPath: 'other/path' } })))
    .rejects.toThrow('option "gitlabProjectPath" is not a blueprint option create-app passes on: it sets name, Git host and registered values itself.');
  await expect(createApp(request({ token: '' })))
    .rejects.toThrow('no GitLab token: set integrations.gitlab[host=127.0.0.1:9].token in Backstage\'s configuration to an access token with the api scope.');
  await expect(createApp(request({ gitHost: 'github', githubApiUrl: 'http://127.0.0.1:9', token: '', tokenSource: 'integrations.github[host=127.0.0.1:9].token' })))
    .rejects.toThrow(/^no GitHub token: set integrations\.github\[host=127\.0\.0\.1:9\]\.token in Backstage's configuration to a token that may create repositories/);
  await expect(createApp(request({ gitlabUrl: 'ftp://gitlab.example.com' })))
    .rejects.toThrow('integrations.gitlab[].baseUrl "ftp://gitlab.example.com" must be https (http only for a GitLab on this machine): the token travels with every request.');
  const serverless = descriptorText('SERVERLESS', 'lambda', 1);
  await expect(createApp(request({ descriptors: [{ name: 'lambda', text: serverless, descriptor: parseDescriptor('lambda', serverless) }] })))
    .rejects.toThrow('environment "lambda" is a SERVERLESS environment, and harmonix-node-service deploys to ECS or EKS environments only: leave it out, or pick the blueprint for it.');
  const taken = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-api-taken-'));
  fs.writeFileSync(path.join(taken, 'README.md'), 'mine');
  await expect(createApp(request({ dir: taken }))).rejects.toThrow(`${taken} is not empty and holds no generated repo: give create-app an empty or new folder.`);
});

test('a dry run of the network reaches the Git host first: unreachable, said in one sentence', async () => {
  await expect(createApp(request({ checkOnly: false, dryRun: true }))).rejects.toThrow(/^could not reach GitLab at http:\/\/127\.0\.0\.1:9 to read the group shop\/apps: /);
});
