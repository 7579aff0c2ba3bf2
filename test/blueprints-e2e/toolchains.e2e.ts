/**
 * The generated repos as their developers get them: this library packed with `npm pack`,
 * installed into each generated repo by projen, the app's own toolchain run by the real CI test
 * job under gitlab-ci-local (shell executor), and `infra/` synthesized nag-clean by the CDK CLI
 * against the sample descriptors. Then `projen new --from <tarball>` in an empty folder.
 *
 * Slow (npm, PyPI and Maven downloads): run by `npx projen test:blueprints` after the build.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BLUEPRINTS, commitAll, descriptorText, gitlabCiLocal, Pjid, PJIDS } from '../fixtures/blueprints';
import { generateInstalled, packLibrary, projenVersion, run } from '../fixtures/installed';

const IMAGE_REPOSITORY = '222222222222.dkr.ecr.eu-west-1.amazonaws.com/shop/orders';
let tarball: string;

beforeAll(() => {
  tarball = packLibrary();
});

/** The template of the one stack in cdk.out (checking it is the only one). */
function synthesized(dir: string): any {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.out', 'manifest.json'), 'utf8'));
  const stacks = Object.entries<any>(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  expect(stacks.map(([id]) => id)).toEqual(['orders-dev']);
  return JSON.parse(fs.readFileSync(path.join(dir, 'cdk.out', 'orders-dev.template.json'), 'utf8'));
}

describe.each(PJIDS)('%s, installed from the packed library', pjid => {
  const serverless = BLUEPRINTS[pjid].kind === 'SERVERLESS';
  let dir: string;

  beforeAll(() => {
    dir = generateInstalled(tarball, pjid, { dev: descriptorText(BLUEPRINTS[pjid].kind, 'dev', 1), prod: descriptorText(BLUEPRINTS[pjid].kind, 'prod', 3, true) });
    commitAll(dir);
  }, 900_000);

  test('the pipeline\'s test job runs green for real under gitlab-ci-local (shell executor): the app\'s own toolchain', () => {
    const output = gitlabCiLocal(dir, ['test', '--force-shell-executor'], 900_000);
    expect(output).toMatch(/PASS\s+test/);
    const ran: Record<Pjid, RegExp> = {
      'harmonix-node-ecs': /Tests:\s+2 passed, 2 total/,
      'harmonix-python-ecs': /2 passed/,
      'harmonix-java-ecs': /Tests run: 2, Failures: 0, Errors: 0, Skipped: 0/,
      'harmonix-serverless-api': /Tests:\s+2 passed, 2 total/,
    };
    expect(output).toMatch(ran[pjid]);
  }, 900_000);

  test('the repo\'s own lint passes on infra/ and .projenrc', () => {
    run(dir, 'npx', ['projen', 'eslint']);
  }, 300_000);

  test('infra/ synthesizes nag-clean with the CDK CLI against the sample descriptor, in strict mode', () => {
    const context = serverless
      ? ['--context', 'environment=dev']
      : ['--context', 'environment=dev', '--context', `imageRepository=${IMAGE_REPOSITORY}`, '--context', 'imageTag=4f2a9c1'];
    if (serverless) {
      run(dir, 'npx', ['projen', 'compile']);
    }
    run(dir, 'npx', ['cdk', 'synth', '--strict', '--quiet', ...context]);
    const template = synthesized(dir);
    expect(template.Outputs.AppUrl).toBeDefined();
    const types = Object.values<any>(template.Resources).map(r => r.Type);
    if (serverless) {
      expect(types).toEqual(expect.arrayContaining(['AWS::Lambda::Function', 'AWS::ApiGatewayV2::Api']));
    } else {
      expect(types).toEqual(expect.arrayContaining(['AWS::ECS::Service', 'AWS::ECS::TaskDefinition']));
      const image = JSON.stringify(Object.values<any>(template.Resources).find(r => r.Type === 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0].Image);
      expect(image).toContain('shop/orders:4f2a9c1');
    }
    // Without the context it needs, the CDK app says so in one sentence.
    const bare = spawnSync('npx', ['cdk', 'synth', '--quiet'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    expect(bare.status).not.toBe(0);
    expect(`${bare.stdout}${bare.stderr}`).toContain('infra: give --context');
  }, 600_000);

  if (pjid === 'harmonix-node-ecs') {
    test('cdk-nag is wired into infra/: a finding it does not accept fails the synthesis', () => {
      const main = fs.readFileSync(path.join(dir, 'infra', 'main.ts'), 'utf8');
      const unsafe = main.replace('app.synth();', "new (require('aws-cdk-lib/aws-s3').Bucket)(stack, 'Unsafe');\napp.synth();");
      fs.writeFileSync(path.join(dir, 'infra', 'unsafe.ts'), unsafe);
      const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--app', 'npx ts-node --project tsconfig.dev.json --prefer-ts-exts infra/unsafe.ts',
        '--context', 'environment=dev', '--context', `imageRepository=${IMAGE_REPOSITORY}`, '--context', 'imageTag=4f2a9c1'],
      { cwd: dir, encoding: 'utf8', timeout: 300_000 });
      fs.rmSync(path.join(dir, 'infra', 'unsafe.ts'));
      expect(result.status).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toMatch(/AwsSolutions-S1/);
    }, 300_000);
  }
});

test('npx projen new --from <packed tarball> harmonix-node-ecs in an empty folder, with option flags, builds and tests', () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-new-'));
  const dir = path.join(parent, 'shop');
  fs.mkdirSync(dir);
  // Options are `projen new` flags, as projen makes them from the options interface.
  run(dir, 'npx', ['--yes', `projen@${projenVersion()}`, 'new', '--from', tarball, 'harmonix-node-ecs', '--no-git',
    '--owner', 'group:default/payments', '--container-port', '3000'], 900_000);
  const projenrc = fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8');
  expect(projenrc).toContain('new HarmonixNodeEcsProject(');
  expect(projenrc).toMatch(/owner: ['"]group:default\/payments['"]/);
  expect(fs.readFileSync(path.join(dir, 'catalog-info.yaml'), 'utf8')).toContain('owner: group:default/payments');
  expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('EXPOSE 3000');
  const output = run(dir, 'npx', ['projen', 'build'], 900_000);
  expect(output).toMatch(/Tests:\s+2 passed, 2 total/);
  for (const file of ['.gitlab-ci.yml', 'catalog-info.yaml', 'Dockerfile', 'infra/main.ts', 'src/server.ts', 'lib/server.js']) {
    expect([file, fs.existsSync(path.join(dir, file))]).toEqual([file, true]);
  }
}, 1_800_000);
