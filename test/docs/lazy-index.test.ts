import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { lazify } from '../../projenrc/lazy-index';

const root = path.join(__dirname, '..', '..');

/** Runs a program against the built package in a fresh Node process; returns what it printed as JSON. */
function inFreshProcess(program: string): any {
  const run = spawnSync(process.execPath, ['-e', program], { cwd: root, encoding: 'utf8' });
  expect([run.status, run.stderr]).toEqual([0, '']);
  return JSON.parse(run.stdout);
}

describe('the package entry point loads a module when one of its exports is first used', () => {
  test('a CDK app using one environment loads no blueprint, projen, pipeline, platform or CLI code', () => {
    const loaded: string[] = inFreshProcess(`
      const before = new Set(Object.keys(require.cache));
      const { EcsEnvironment } = require('./lib');
      const { App, Stack } = require('aws-cdk-lib');
      const app = new App();
      const stack = new Stack(app, 'Dev', { env: { account: '111111111111', region: 'eu-west-1' } });
      new EcsEnvironment(stack, 'Dev', { environmentName: 'dev', stage: 1,
        provisioningTrustedRoleArns: ['arn:aws:iam::222222222222:role/runner'], operationsTrustedRoleArns: ['arn:aws:iam::222222222222:role/backstage'] });
      app.synth();
      console.log(JSON.stringify(Object.keys(require.cache).filter(k => !before.has(k)).map(k => require('path').relative(process.cwd(), k))));
    `);
    expect(loaded).toContain(path.join('lib', 'environments', 'ecs', 'ecs-environment.js'));
    expect(loaded.filter(f => /^lib\/(blueprints|pipelines|platform|cli)\/|node_modules\/projen\//.test(f))).toEqual([]);
  });

  test('every export still resolves, to the same value as the module that defines it', () => {
    const exports: Array<[string, boolean]> = inFreshProcess(`
      const lib = require('./lib');
      console.log(JSON.stringify(Object.keys(lib).filter(k => k !== '__esModule').map(k => [k, lib[k] !== undefined])));
    `);
    expect(exports.length).toBeGreaterThan(30);
    expect(exports.filter(([, defined]) => !defined)).toEqual([]);
    expect(exports.map(([name]) => name)).toEqual(expect.arrayContaining(['HarmonixNodeServiceProject', 'EcsEnvironment', 'AppPipeline', 'BackstageOnFargate']));
  });

  test('the rewrite leaves no eager require in the built entry point, and refuses one it cannot rewrite', () => {
    const built = fs.readFileSync(path.join(root, 'lib', 'index.js'), 'utf8');
    expect(built.split('\n').filter(l => /require\(/.test(l) && !/_loaded = require\(/.test(l))).toEqual([]);
    expect(() => lazify('"use strict";\nconst x = require("./x");\nexports.y = x.y;\n')).toThrow(/still load a module eagerly: const x = require/);
  });
});
