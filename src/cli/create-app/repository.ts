import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliError, ExitCode } from '../errors';

/** One file of the first commit, as GitLab's commit actions carry it. */
export interface RepoFile {
  readonly path: string;
  readonly content: string;
  readonly encoding: 'text' | 'base64';
  readonly executable: boolean;
}

/** This package's name, version and the projen it is a project type library for. */
export function ownPackage(): { name: string; version: string; projen: string } {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  return { name: manifest.name, version: manifest.version, projen: manifest.peerDependencies?.projen ?? 'latest' };
}

/** Whether `dir` already holds a repo projen generated (its `.projen/tasks.json`). */
export function isGeneratedRepo(dir: string): boolean {
  return fs.existsSync(path.join(dir, '.projen', 'tasks.json'));
}

/**
 * Generates the blueprint into `dir` with projen, as a developer would
 * (`npx projen new --from <package> <pjid>`), its options passed as projen's option flags.
 * Asynchronous: a synchronous child would stall this process's connections to GitLab meanwhile,
 * and the first write after it would go to a connection the server has closed.
 */
export async function generateRepo(dir: string, pjid: string, from: string, flags: string[], timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env, hints = { retry: 'run create-app again', timeout: '--generate-timeout' }): Promise<void> {
  const projen = `projen@${ownPackage().projen}`;
  const args = ['--yes', projen, 'new', '--from', from, pjid, '--no-git', ...flags];
  const { code, output, error, timedOut } = await new Promise<{ code: number | null; output: string; error?: Error; timedOut?: boolean }>(resolve => {
    let text = '';
    // Its own process group, so that a time-out ends npx and the npm installs it started.
    const child = spawn('npx', args, { cwd: dir, env: { ...env, CI: undefined }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // It ended on its own meanwhile.
      }
      resolve({ code: null, output: text, timedOut: true });
    }, timeoutMs);
    child.stdout.on('data', d => { text += String(d); });
    child.stderr.on('data', d => { text += String(d); });
    child.on('error', e => { clearTimeout(timer); resolve({ code: null, output: text, error: e }); });
    child.on('close', c => { clearTimeout(timer); resolve({ code: c, output: text }); });
  });
  const tail = output.trim().split('\n').slice(-15).join('\n');
  if (timedOut) {
    throw new CliError(`npx ${args.join(' ')} in ${dir} did not finish in ${Math.round(timeoutMs / 60_000)} minute(s) and was stopped: `
      + `an npm install waiting on the registry is the usual cause; empty ${dir} and ${hints.retry} (or give ${hints.timeout} more minutes); its last lines:\n${tail}`,
    ExitCode.INPUT);
  }
  if (error || code !== 0) {
    throw new CliError(`npx ${args.join(' ')} in ${dir} failed (${error?.message ?? `exit ${code}`}): fix what it says and ${hints.retry}; its last lines:\n${tail}`,
      ExitCode.INPUT);
  }
}

/**
 * The files of the repo in `dir` that Git would commit: its `.gitignore` files decide, read by
 * Git itself (through a throw-away Git directory, so the folder is left as it is).
 */
export function repoFiles(dir: string): RepoFile[] {
  const gitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-files-'));
  try {
    const git = (...args: string[]) => {
      const r = spawnSync('git', [`--git-dir=${gitDir}`, `--work-tree=${dir}`, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.error || r.status !== 0) {
        throw new CliError(`git ${args.join(' ')} failed in ${dir} (${r.error?.message ?? r.stderr.trim()}): create-app lists the files to commit with Git; is git installed?`, ExitCode.INPUT);
      }
      return r.stdout;
    };
    git('init', '--quiet');
    const files = git('ls-files', '--others', '--cached', '--exclude-standard', '-z').split('\0').filter(Boolean).sort();
    return files.map(file => {
      const full = path.join(dir, file);
      const bytes = fs.readFileSync(full);
      const text = bytes.toString('utf8');
      const binary = bytes.includes(0) || Buffer.from(text, 'utf8').compare(bytes) !== 0;
      return {
        path: file,
        content: binary ? bytes.toString('base64') : text,
        encoding: binary ? 'base64' : 'text',
        executable: isExecutable(full),
      };
    });
  } finally {
    fs.rmSync(gitDir, { recursive: true, force: true });
  }
}

/** Whether a file may be executed by its owner (the mode Git keeps: 100755). */
function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
