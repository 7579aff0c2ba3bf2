import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');

/**
 * `npx projen` (every build runs it) synthesizes the project quietly: projen's "CDK v1 deps"
 * check no longer mistakes the v2-only kubectl layer for a CDK v1 package, and still warns of a
 * real one. Run on a copy of the project definition, so the checkout's files stay as they are.
 */
describe('the project definition', () => {
  function synthesizeCopy(edit: (projenrc: string) => string = s => s): { status: number | null; output: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-projenrc-'));
    for (const file of ['.projenrc.ts', 'package.json', 'tsconfig.json', 'tsconfig.dev.json']) {
      fs.copyFileSync(path.join(root, file), path.join(dir, file));
    }
    fs.cpSync(path.join(root, 'projenrc'), path.join(dir, 'projenrc'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.projenrc.ts'), edit(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8')));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const run = spawnSync(path.join(root, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', '--project', 'projenrc/tsconfig.json', '.projenrc.ts'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, PROJEN_DISABLE_POST: 'true', NODE_ENV: 'development' },
    });
    return { status: run.status, output: run.stdout + run.stderr };
  }

  test('synthesizes without the "CDK v1 deps" warning for the kubectl layer', () => {
    const run = synthesizeCopy();
    expect(run.status).toBe(0);
    expect(run.output).not.toMatch(/Found CDK v1 deps/);
  }, 120_000);

  test('still warns of a real CDK v1 package', () => {
    const run = synthesizeCopy(s => s.replace("deps: ['@aws-cdk/lambda-layer-kubectl-v35@^2.2.2'],", "deps: ['@aws-cdk/lambda-layer-kubectl-v35@^2.2.2', '@aws-cdk/aws-s3@^1'],"));
    expect(run.status).toBe(0);
    expect(run.output).toMatch(/Found CDK v1 deps in your project, even though your "cdkVersion" is 2.x: \[@aws-cdk\/aws-s3[,\]]/);
  }, 120_000);
});
