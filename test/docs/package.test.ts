import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');

/** The files `npm pack` would put into the package, as jsii-pacmak packs it for dist/js. */
function packedFiles(): string[] {
  const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(pack.status).toBe(0);
  return JSON.parse(pack.stdout)[0].files.map((f: { path: string }) => f.path);
}

/**
 * What the package may hold at its top level: the compiled library and its jsii assembly, the
 * docs, the assets its constructs deploy, the command line, the blueprints' sample files, and the
 * libraries the command line bundles. Anything else (a tool the tests built, a venv, a fixture,
 * a cloud assembly) is a defect.
 */
const ALLOWED_TOP_LEVEL = new Set(['.jsii', 'API.md', 'README.md', 'LICENSE', 'package.json', 'lib', 'assets', 'bin', 'blueprints', 'node_modules']);

describe('the npm package', () => {
  const files = packedFiles();

  test('ships the library, its API docs, the audit writer, the runner scripts and the command line', () => {
    expect(files).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', '.jsii', 'API.md', 'README.md', 'assets/audit-writer/index.js',
      'assets/gitlab-runner/runner-host.sh', 'assets/gitlab-runner/job-instance.sh', 'node_modules/smol-toml/package.json',
      // The command line and the libraries it bundles (not dependencies of the constructs).
      'bin/harmonix', 'lib/cli/main.js', 'node_modules/commander/package.json', 'node_modules/cli-table3/package.json']));
  });

  test('holds nothing but what it is for at its top level: no test tools, venvs, fixtures or local state', () => {
    expect([...new Set(files.map(f => f.split('/')[0]))].filter(top => !ALLOWED_TOP_LEVEL.has(top)).sort()).toEqual([]);
  });

  test('leaves out the test tools even when the checkout has them, and no binary from a test enters it', () => {
    // The set-up built the Go tools into .tools/ and the Python tools into .cdk-bindings/ before
    // this test started: both exist here, and neither may be packed.
    expect(fs.existsSync(path.join(root, '.tools'))).toBe(true);
    expect(fs.existsSync(path.join(root, '.cdk-bindings', 'tools-venv'))).toBe(true);
    expect(files.filter(f => /(^|\/)(\.tools|\.cdk-bindings|\.venv|venv|cdk\.out|test|tests|fixtures|coverage|test-reports)\//.test(f)
      && !f.startsWith('blueprints/') && !f.startsWith('node_modules/'))).toEqual([]);
    expect(files.filter(f => /(^|\/)(actionlint|kube-score|moto_server|cfn-lint|checkov|zizmor)$/.test(f))).toEqual([]);
  });
});
