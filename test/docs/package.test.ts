import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');

test('the npm package ships the library, its API docs, the audit writer, the runner scripts and the command line, and no local state', () => {
  const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  expect(pack.status).toBe(0);
  const files: string[] = JSON.parse(pack.stdout)[0].files.map((f: { path: string }) => f.path);
  expect(files).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', '.jsii', 'API.md', 'README.md', 'assets/audit-writer/index.js',
    'assets/gitlab-runner/runner-host.sh', 'assets/gitlab-runner/job-instance.sh', 'node_modules/smol-toml/package.json',
    // The command line and the libraries it bundles (not dependencies of the constructs).
    'bin/harmonix', 'lib/cli/main.js', 'node_modules/commander/package.json', 'node_modules/cli-table3/package.json']));
  expect(files.filter(f => /^(cdk\.json|cdk\.context\.json|\.cdk-bindings|cdk\.out|test|examples|src)\b/.test(f))).toEqual([]);
});
