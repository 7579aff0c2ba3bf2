import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from '../fixtures/readme';

const harmonix = (...args: string[]) => {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'harmonix'), ...args], { encoding: 'utf8' });
  return { code: run.status, out: run.stdout, err: run.stderr };
};

describe('harmonix bootstrap-command: the scoped CDK bootstrap of an environment', () => {
  const dev = path.join(ROOT, 'examples', 'descriptors', 'dev.json');

  test('prints cdk bootstrap with the environment\'s qualifier and execution policies, from its descriptor', () => {
    const run = harmonix('bootstrap-command', '--descriptor', dev);
    expect([run.code, run.err]).toEqual([0, '']);
    const descriptor = JSON.parse(fs.readFileSync(dev, 'utf8'));
    expect(run.out.trim()).toBe(`cdk bootstrap aws://111111111111/eu-west-1 --qualifier hnb659fds --cloudformation-execution-policies ${descriptor.appDeployPolicyArns.join(',')}`);
  });

  test('the CDK CLI takes the command as printed (without AWS: it prints the bootstrap template)', () => {
    const [, ...args] = harmonix('bootstrap-command', '--descriptor', dev).out.trim().split(' ');
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-bootstrap-'));
    const cdk = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), [...args, '--show-template', '--no-notices'], {
      cwd: home,
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(cdk.status === 0 ? '' : cdk.stderr.slice(-800)).toBe('');
    expect(cdk.stdout).toMatch(/CloudFormationExecutionPolicies:/);
  }, 150_000);

  test('an environment whose descriptor publishes no policies is refused with the fix', () => {
    const old = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-bootstrap-')), 'old.json');
    const descriptor = JSON.parse(fs.readFileSync(dev, 'utf8'));
    delete descriptor.appDeployPolicyArns;
    fs.writeFileSync(old, JSON.stringify(descriptor));
    const run = harmonix('bootstrap-command', '--descriptor', old);
    expect([run.code, run.err]).toEqual([3, 'harmonix: environment dev publishes no app-deploy policies (its descriptor predates schema 1.3); deploy the environment with a current harmonix-cdk and read its descriptor again.\n']);
  });
});
