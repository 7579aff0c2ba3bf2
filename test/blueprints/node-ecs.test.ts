import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { HarmonixNodeEcsProject, HarmonixNodeEcsProjectOptions } from '../../src';

const ROOT = path.join(__dirname, '..', '..');
// Generation only: the generated repos' own installs and builds are separate tests.
process.env.PROJEN_DISABLE_POST = 'true';
const descriptor = (name: string) => fs.readFileSync(path.join(ROOT, 'examples', 'descriptors', `${name}.json`), 'utf8');

/** Generates the blueprint into a new folder holding the given descriptors. */
function generate(descriptors: Record<string, string>, options: Partial<HarmonixNodeEcsProjectOptions> = {}): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-node-ecs-'));
  fs.mkdirSync(path.join(outdir, '.harmonix', 'environments'), { recursive: true });
  for (const [name, text] of Object.entries(descriptors)) {
    fs.writeFileSync(path.join(outdir, '.harmonix', 'environments', `${name}.json`), text);
  }
  const project = new HarmonixNodeEcsProject({ name: 'orders', defaultReleaseBranch: 'main', outdir, ...options });
  project.synth();
  return outdir;
}

test('with the dev descriptor: test, build, then a deploy job for dev on the default branch, holding its role by OIDC', () => {
  const dir = generate({ dev: descriptor('dev') });
  const ci = YAML.parse(fs.readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8'));
  expect(ci.stages).toEqual(['test', 'build', 'deploy-dev']);
  const dev = JSON.parse(descriptor('dev'));
  expect(ci['deploy-dev']).toMatchObject({
    stage: 'deploy-dev',
    needs: ['build'],
    environment: { name: 'dev', deployment_tier: 'development' },
    resource_group: 'dev',
    id_tokens: { HARMONIX_ID_TOKEN: { aud: 'sts.amazonaws.com' } },
    variables: { HARMONIX_ROLE_ARN: dev.provisioningRoleArn, AWS_REGION: 'eu-west-1' },
    rules: [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', when: 'on_success' }],
  });
  for (const file of ['src/server.ts', 'test/server.test.ts', 'Dockerfile', '.dockerignore', 'infra/main.ts', 'catalog-info.yaml']) {
    expect([file, fs.existsSync(path.join(dir, file))]).toEqual([file, true]);
  }
  const catalog = YAML.parse(fs.readFileSync(path.join(dir, 'catalog-info.yaml'), 'utf8'));
  expect(catalog.spec).toMatchObject({ type: 'service', owner: 'group:default/developers', dependsOn: ['resource:default/dev'] });
});

test('bad options are one sentence', () => {
  expect(() => generate({}, { appName: 'Orders!' })).toThrow(/app name "Orders!" is not a DNS label/);
  expect(() => generate({}, { environments: ['dev'] })).toThrow(/environment "dev" has no descriptor file .harmonix\/environments\/dev.json; fetch it with `aws ssm get-parameter/);
  expect(() => generate({ dev: descriptor('dev') }, { environments: ['dev', 'dev'] })).toThrow(/names "dev" twice/);
  expect(() => generate({ qa: descriptor('qa') })).toThrow(/environment "qa" is a SERVERLESS environment, and this blueprint deploys to ECS environments only/);
  expect(() => generate({ dev: descriptor('dev') }, { environments: [] })).toThrow(/`environments` names no environment/);
});
