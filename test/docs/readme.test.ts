import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { cliContext, readmeBlocks, readmeWorkFolder, ROOT } from '../fixtures/readme';

/**
 * Every TypeScript program of README.md, type-checked (strict) and run against the built package
 * (lib/, as `harmonix-cdk`), as a user would. The Python programs run through the wheel in
 * `npx projen test:bindings`.
 */
describe('README.md TypeScript programs', () => {
  const blocks = readmeBlocks('ts');
  const work = readmeWorkFolder('readme-ts');
  blocks.forEach((code, i) => fs.writeFileSync(path.join(work, `program${i + 1}.ts`), code));
  fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true,
      target: 'ES2022',
      module: 'node16',
      moduleResolution: 'node16',
      noEmitOnError: true,
      skipLibCheck: true,
      outDir: 'out',
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    },
    include: ['program*.ts'],
  }));

  test('there are programs to run', () => {
    expect(fs.existsSync(path.join(ROOT, 'lib', 'index.js'))).toBe(true);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  test('they type-check', () => {
    const tsc = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', work], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);

  // A blueprint's .projenrc.ts generates a repo; every other program is a CDK app.
  const isProjenrc = (code: string) => code.includes('project.synth()');
  const cdkApps = blocks.map((code, i) => [i + 1, code] as const).filter(([, code]) => !isProjenrc(code)).map(([n]) => [n]);
  const projenrcs = blocks.map((code, i) => [i + 1, code] as const).filter(([, code]) => isProjenrc(code)).map(([n]) => [n]);

  test('a blueprint\'s .projenrc.ts is among them', () => {
    expect(projenrcs.length).toBeGreaterThanOrEqual(1);
  });

  test.each(projenrcs)('program %d generates an app repo that deploys to the environment whose descriptor it holds', (n) => {
    const repo = fs.mkdtempSync(path.join(work, `repo${n}-`));
    fs.mkdirSync(path.join(repo, '.harmonix', 'environments'), { recursive: true });
    fs.copyFileSync(path.join(work, 'dev.json'), path.join(repo, '.harmonix', 'environments', 'dev.json'));
    const run = spawnSync(process.execPath, [path.join(work, 'out', `program${n}.js`)], {
      cwd: repo, encoding: 'utf8', env: { ...process.env, PROJEN_DISABLE_POST: 'true' },
    });
    expect([run.status, run.stderr]).toEqual([0, expect.any(String)]);
    const ci = fs.readFileSync(path.join(repo, '.gitlab-ci.yml'), 'utf8');
    expect(ci).toMatch(/^deploy-dev:$/m);
    expect(fs.existsSync(path.join(repo, 'catalog-info.yaml'))).toBe(true);
  }, 120_000);

  test.each(cdkApps)('program %d synthesizes', (n) => {
    const outdir = path.join(work, `cdk.out.${n}`);
    const run = spawnSync(process.execPath, [path.join(work, 'out', `program${n}.js`)], {
      cwd: work, encoding: 'utf8', env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: cliContext() },
    });
    expect([run.status, run.stderr]).toEqual([0, expect.any(String)]);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.values<any>(manifest.artifacts).filter(a => a.type === 'aws:cloudformation:stack').length).toBeGreaterThan(0);
  }, 120_000);
});

/**
 * What the README tells a user before the first `cdk synth` of a stack with an explicit account:
 * with the `cdk.context.json` entry it shows, the CDK CLI synthesizes the first program without
 * credentials; without it, the CLI needs credentials for the zone look-up, as the README says.
 */
describe('README.md: the first app through the CDK CLI, without AWS credentials', () => {
  const work = readmeWorkFolder('readme-cli');
  const program = readmeBlocks('ts')[0];
  const zones = readmeBlocks('json').map(b => JSON.parse(b)).find(b => Object.keys(b).some(k => k.startsWith('availability-zones:')));
  fs.writeFileSync(path.join(work, 'app.js'), ts.transpileModule(program, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText);
  const flags = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
  fs.writeFileSync(path.join(work, 'cdk.json'), JSON.stringify({ app: 'node app.js', context: flags }));
  const home = fs.mkdtempSync(path.join(work, 'home-'));
  const noCredentials: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none'),
  };
  const synth = () => spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices', '--no-version-reporting', '-o', 'cdk.out'], {
    cwd: work, encoding: 'utf8', env: noCredentials, timeout: 180_000,
  });

  test('the README shows the zones entry for the account and region of its first program', () => {
    expect(program).toContain("env: { account: '111111111111', region: 'eu-west-1' }");
    expect(zones).toEqual({ 'availability-zones:account=111111111111:region=eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] });
  });

  test('without the entry, the CLI stops for want of credentials', () => {
    fs.rmSync(path.join(work, 'cdk.context.json'), { force: true });
    const run = synth();
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/Need to perform AWS calls for account 111111111111, but no credentials have been configured/);
  }, 200_000);

  test('with the entry, the first program synthesizes with no AWS call', () => {
    fs.writeFileSync(path.join(work, 'cdk.context.json'), JSON.stringify(zones));
    const run = synth();
    expect([run.status, run.stderr]).toEqual([0, expect.any(String)]);
    const template = JSON.parse(fs.readFileSync(path.join(work, 'cdk.out', 'WorkloadDev.template.json'), 'utf8'));
    const subnetZones = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::EC2::Subnet').map(r => r.Properties.AvailabilityZone);
    expect([...new Set(subnetZones)].sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
  }, 200_000);
});
