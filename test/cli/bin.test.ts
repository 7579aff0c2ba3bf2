import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { EcsEnvironment } from '../../src';
import { HOURS_PER_MONTH, PRICES } from '../../src/cli/cost/prices';
import { baseProps, TEST_ENV } from '../fixtures/app';
import { synthExample, writeAssembly } from '../fixtures/assembly';
import { cliContext, ROOT } from '../fixtures/readme';

/** Runs the real `harmonix` bin (lib/ when the compile step built it, src/ through ts-node before). */
function harmonix(...args: string[]) {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'harmonix'), ...args], { encoding: 'utf8' });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

const retainedIn = (dir: string) => fs.readdirSync(dir).filter(f => f.endsWith('.template.json')).flatMap(f => {
  const template = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  return Object.entries<any>(template.Resources).filter(([, r]) => r.DeletionPolicy === 'Retain').map(([id]) => `${f.replace('.template.json', '')}/${id}`);
});

/**
 * A fresh clone, as far as the bin sees one: this package's layout with no lib/ (never compiled),
 * its bin/harmonix copied, src/ and node_modules those of this checkout, and `cdk.out` the
 * example app's assembly. The checkout's own lib/, if built, is left alone.
 */
function freshClone(assembly: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-fresh-clone-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.copyFileSync(path.join(ROOT, 'bin', 'harmonix'), path.join(dir, 'bin', 'harmonix'));
  fs.chmodSync(path.join(dir, 'bin', 'harmonix'), 0o755);
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.dev.json']) {
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  for (const folder of ['src', 'node_modules']) {
    fs.symlinkSync(path.join(ROOT, folder), path.join(dir, folder), 'dir');
  }
  fs.symlinkSync(assembly, path.join(dir, 'cdk.out'), 'dir');
  return dir;
}

describe('the harmonix bin on the example app', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = synthExample();
  }, 120_000);

  test('in a fresh clone (no lib/), `npx harmonix cost cdk.out` as the README says runs the sources and prints the same as the built bin', () => {
    const clone = freshClone(outdir);
    expect(fs.existsSync(path.join(clone, 'lib'))).toBe(false);
    // Verbatim, as the README has it after `npx projen example`: npx runs the package's own bin.
    const npx = spawnSync('npx', ['harmonix', 'cost', 'cdk.out'], {
      cwd: clone, encoding: 'utf8', env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` },
    });
    expect([npx.status, npx.stderr]).toEqual([0, '']);
    expect(npx.stdout).toBe(harmonix('cost', outdir).out);
    const direct = spawnSync(process.execPath, [path.join(clone, 'bin', 'harmonix'), 'teardown', 'cdk.out', '--json'], { cwd: clone, encoding: 'utf8' });
    expect([direct.status, direct.stderr]).toEqual([0, '']);
    expect(direct.stdout).toBe(harmonix('teardown', outdir, '--json').out);
  }, 120_000);

  test('cost --json prices every stack and the total is the sum of the stacks', () => {
    const run = harmonix('cost', outdir, '--json');
    expect([run.code, run.err]).toEqual([0, '']);
    const report = JSON.parse(run.out);
    expect(report.stacks.map((s: any) => s.stack).sort())
      .toEqual(['HarmonixEcsDev', 'HarmonixEksStaging', 'HarmonixOrdersDev', 'HarmonixOrdersStaging', 'HarmonixPlatform', 'HarmonixServerlessQa', 'HarmonixShopQa']);
    const sum = report.stacks.reduce((total: number, s: any) => total + s.monthlyUsd, 0);
    expect(report.totalMonthlyUsd).toBeCloseTo(sum, 2);
    const ofStack = (name: string) => report.stacks.find((s: any) => s.stack === name);
    const lines = (name: string, type: string) => ofStack(name).lines.filter((l: any) => l.type === type);
    expect(ofStack('HarmonixEcsDev').region).toBe('eu-west-1');
    // The portal's VPC keeps its NAT gateway; the non-production environments go out through NAT instances.
    expect(lines('HarmonixPlatform', 'AWS::EC2::NatGateway').map((l: any) => l.monthlyUsd))
      .toEqual([Math.round(PRICES['eu-west-1'].natGatewayHourly * HOURS_PER_MONTH * 100) / 100]);
    for (const stack of ['HarmonixEcsDev', 'HarmonixEksStaging']) {
      expect([stack, lines(stack, 'AWS::EC2::NatGateway')]).toEqual([stack, []]);
      expect([stack, lines(stack, 'AWS::EC2::Instance').map((l: any) => l.detail).filter((d: string) => /instance$/.test(d))]).toEqual([stack, ['t4g.nano instance']]);
    }
    // The example platform idles under $275 a month (README, "What the examples cost").
    expect(report.totalMonthlyUsd).toBeLessThan(275);
    expect(report.priceTable).toEqual(expect.objectContaining({ date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), hoursPerMonth: 730 }));
  });

  test('cost prints a table per stack and the total', () => {
    const run = harmonix('cost', outdir);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/HarmonixEcsDev \(eu-west-1\): \$\d+\.\d\d a month when idle/);
    expect(run.out).toMatch(/AWS::EC2::NatGateway/);
    expect(run.out).toMatch(/by usage \(nothing while idle\):.*AWS::Lambda::Function/);
    expect(run.out).toMatch(/^Total: \$\d+\.\d\d a month when idle$/m);
  });

  test('the README shows the real output of both commands on the example app', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const shown = [...readme.matchAll(/^```text\n([\s\S]*?)^```$/gm)].map(m => m[1].trimEnd());
    expect(shown).toEqual([harmonix('cost', outdir).out.trimEnd(), harmonix('teardown', outdir).out.trimEnd()]);
  });

  test('teardown lists exactly the resources the templates retain; only deletion protection (the databases\', the portal\'s load balancer) blocks', () => {
    const run = harmonix('teardown', outdir, '--json');
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.out);
    expect(plan.retained.map((i: any) => `${i.stack}/${i.logicalId}`).sort()).toEqual(retainedIn(outdir).sort());
    expect(plan.blockers.map((b: any) => `${b.stack}/${b.logicalId}: ${b.reason}`).sort()).toEqual([
      'HarmonixOrdersDev/OrdersDbClusterD002D698: deletion protection is on: turn it off and deploy before destroying',
      'HarmonixOrdersStaging/OrdersDbClusterD002D698: deletion protection is on: turn it off and deploy before destroying',
      'HarmonixPlatform/BackstageDatabase42EA0AA1: deletion protection is on: turn it off and deploy before destroying',
      'HarmonixPlatform/BackstageLoadBalancerD980CC16: deletion protection is on: turn it off and deploy before destroying',
    ]);
    expect(plan.order).toHaveLength(7);
  });
});

describe('harmonix teardown on an environment that keeps no data', () => {
  test('lists nothing left behind and no blocker', () => {
    const app = new App({ context: JSON.parse(cliContext()) });
    new EcsEnvironment(new Stack(app, 'Sandbox', { env: TEST_ENV }), 'Dev', baseProps({ retainData: false }));
    const dir = app.synth().directory;
    const plan = JSON.parse(harmonix('teardown', dir, '--json').out);
    expect([plan.retained, plan.blockers]).toEqual([[], []]);
    expect(harmonix('teardown', dir).out).toMatch(/Left behind in the account:\n {2}nothing: every resource is deleted with its stack/);
  });
});

describe('harmonix cost --baseline', () => {
  const base = { Resources: { Key: { Type: 'AWS::KMS::Key' } } };
  const withNat = { Resources: { ...base.Resources, Nat: { Type: 'AWS::EC2::NatGateway' } } };
  const nat = Math.round(PRICES['us-east-1'].natGatewayHourly * HOURS_PER_MONTH * 100) / 100;

  test('prints what an added NAT gateway adds, per stack and in total', () => {
    const before = writeAssembly([{ name: 'Network', template: base }]);
    const after = writeAssembly([{ name: 'Network', template: withNat }]);
    const run = harmonix('cost', after, '--baseline', before);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`Network: $1.00 -> $${(1 + nat).toFixed(2)} (+$${nat.toFixed(2)})`);
    expect(run.out).toContain(`total: +$${nat.toFixed(2)} a month`);
    const json = JSON.parse(harmonix('cost', after, '--baseline', before, '--json').out);
    expect(json.baseline.totalDeltaMonthlyUsd).toBe(nat);
  });

  test('takes an earlier JSON report as the baseline too', () => {
    const before = writeAssembly([{ name: 'Network', template: base }]);
    const reportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-baseline-')), 'cost.json');
    fs.writeFileSync(reportFile, harmonix('cost', before, '--json').out);
    const json = JSON.parse(harmonix('cost', writeAssembly([{ name: 'Network', template: withNat }]), '--baseline', reportFile, '--json').out);
    expect(json.baseline.stacks).toEqual([{ stack: 'Network', baselineMonthlyUsd: 1, monthlyUsd: 1 + nat, deltaMonthlyUsd: nat }]);
  });
});

describe('bad input: one sentence and a documented exit code', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-bad-'));
  const file = path.join(tmp, 'file.txt');
  fs.writeFileSync(file, 'x');
  const broken = writeAssembly([{ name: 'Broken', template: {} }]);
  fs.writeFileSync(path.join(broken, 'Broken.template.json'), '{ not json');
  const farAway = writeAssembly([{ name: 'Far', region: 'ap-southeast-5', template: { Resources: {} } }]);

  test.each([
    ['a path that does not exist', ['cost', path.join(tmp, 'nope')], 3, /^harmonix: .*nope does not exist; give the folder `cdk synth` wrote \(cdk.out by default\)\.$/],
    ['a file instead of a folder', ['teardown', file], 3, /^harmonix: .*file.txt is a file; give the folder `cdk synth` wrote/],
    ['a folder that is not a cloud assembly', ['cost', tmp], 3, /^harmonix: .* is not a cloud assembly: it has no manifest.json; run `cdk synth` first\.$/],
    ['an unreadable template', ['cost', broken], 3, /^harmonix: the template of Broken .*Broken.template.json is not valid JSON/],
    ['a region the price table does not carry', ['cost', farAway], 4, /^harmonix: the price table carries us-east-1, eu-west-1, eu-central-1, not ap-southeast-5; price in one of those with --region/],
    ['an unknown --region', ['cost', farAway, '--region', 'mars-1'], 4, /not mars-1/],
    ['a baseline that is not a report', ['cost', farAway, '--region', 'us-east-1', '--baseline', file], 3, /file.txt is not valid JSON/],
    ['an unknown option', ['cost', tmp, '--fast'], 2, /unknown option '--fast'/],
    ['a missing argument', ['teardown'], 2, /missing required argument 'cdk.out'/],
    ['an unknown command', ['deploy'], 2, /unknown command 'deploy'/],
  ])('%s', (_case, args, code, message) => {
    const run = harmonix(...(args as string[]));
    expect(run.code).toBe(code);
    expect(run.err.trim().split('\n')).toHaveLength(1);
    expect(run.err.trim()).toMatch(message as RegExp);
    expect(run.err).not.toMatch(/\n\s+at /);
  });

  test('a package with neither lib/ nor src/ says so in one sentence', () => {
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-no-lib-'));
    fs.mkdirSync(path.join(bare, 'bin'));
    fs.copyFileSync(path.join(ROOT, 'bin', 'harmonix'), path.join(bare, 'bin', 'harmonix'));
    const run = spawnSync(process.execPath, [path.join(bare, 'bin', 'harmonix'), 'cost', 'cdk.out'], { encoding: 'utf8' });
    expect([run.status, run.stderr]).toEqual([1, `harmonix: ${path.join(bare, 'lib', 'cli', 'main.js')} is missing: reinstall harmonix-cdk.\n`]);
  });

  test('--debug adds the stack trace', () => {
    expect(harmonix('cost', path.join(tmp, 'nope'), '--debug').err).toMatch(/\n\s+at /);
  });

  test('--help of each command shows examples and the exit codes', () => {
    for (const command of [['cost'], ['teardown'], ['audit', 'record'], ['bootstrap-command']]) {
      const run = harmonix(...command, '--help');
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/Examples:\n {2}(harmonix|aws ssm)/);
      expect(run.out).toMatch(/3 {2}the input cannot be read/);
      expect(run.out).toMatch(/5 {2}AWS could not be reached or refused/);
    }
    expect(harmonix('--help').out).toMatch(/cost[\s\S]*teardown[\s\S]*audit[\s\S]*bootstrap-command/);
  });
});
