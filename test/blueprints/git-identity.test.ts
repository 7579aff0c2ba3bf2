import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BLUEPRINTS, newRepo, Pjid } from '../fixtures/blueprints';
import { ROOT } from '../fixtures/readme';

/**
 * `projen new <pjid>` as projen runs it once the package is installed (projen/lib/projects.js
 * and lib/cli/cmds/new.js), in one Node process: the project type created and synthesized with
 * PROJEN_CREATE_PROJECT set (its post-synthesis npm install left out), then projen's git init,
 * add and first commit, by projen's own git runner, which runs git with that process's
 * environment. Its own process, not this test's: jest gives a test a copy of process.env, which
 * the git that projen starts would not see.
 */
const PROJEN_NEW = `
require('ts-node').register({ transpileOnly: true, project: 'tsconfig.dev.json' });
const { git } = require('projen/lib/util/exec');
const [typeName, dir] = process.argv.slice(1);
process.env.PROJEN_CREATE_PROJECT = 'true';
process.env.PROJEN_DISABLE_POST = 'true';
const Type = require('./src')[typeName];
new Type({ name: 'orders', defaultReleaseBranch: 'main', outdir: dir }).synth();
const opts = { cwd: dir };
const branch = git.tryCapture(['config', 'init.defaultBranch'], opts)?.trim() || 'main';
git.run(['init', '-b', branch], opts);
git.run(['add', '.'], opts);
git.run(['commit', '--allow-empty', '-m', 'chore: project created with projen'], opts);
`;

/**
 * A machine where Git knows nobody: an empty HOME, no system or global configuration, and (as
 * on most containers and CI runners, whose host name has no domain) no identity guessed from
 * the host, so the outcome does not depend on this machine's host name.
 */
function noGitIdentity(globalConfig = '/dev/null'): Record<string, string> {
  return {
    PATH: process.env.PATH!,
    HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-empty-home-')),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'user.useConfigOnly',
    GIT_CONFIG_VALUE_0: 'true',
  };
}

/** Runs `projen new` of the blueprint in a new folder with exactly `env`; its output, and the repo's commits (author / committer / subject). */
function projenNew(pjid: Pjid, env: Record<string, string>): { status: number | null; output: string; commits: string[] } {
  const dir = newRepo();
  const run = spawnSync(process.execPath, ['-e', PROJEN_NEW, BLUEPRINTS[pjid].type.name, dir], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  const log = spawnSync('git', ['log', '--format=%an <%ae> / %cn <%ce> / %s'], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}`, commits: log.status === 0 ? log.stdout.trim().split('\n') : [] };
}

const FALLBACK = 'harmonix-cdk <harmonix-cdk@users.noreply.localhost>';
const SUBJECT = 'chore: project created with projen';

describe('projen new on a machine where Git knows nobody', () => {
  test.each(Object.keys(BLUEPRINTS) as Pjid[])('%s: the repo gets its first commit, by the fallback identity, and the user is told how to make it theirs', pjid => {
    const run = projenNew(pjid, noGitIdentity());
    expect([run.status, run.commits]).toEqual([0, [`${FALLBACK} / ${FALLBACK} / ${SUBJECT}`]]);
    expect(run.output).toContain(`Git has no user.name or user.email here: the first commit is made as ${FALLBACK}. `
      + 'Set yours (git config --global user.name "Your Name"; git config --global user.email you@example.com) '
      + 'and make the commit yours with git commit --amend --reset-author --no-edit.');
    expect(run.output).not.toMatch(/\n\s+at |Buffer/);
  }, 120_000);

  test('an identity of the user\'s stays theirs: from Git\'s configuration, or from the variables they set', () => {
    const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-gitconfig-')), 'config');
    fs.writeFileSync(config, '[user]\n\tname = Dana Developer\n\temail = dana@example.com\n');
    const configured = projenNew('harmonix-node-service', noGitIdentity(config));
    expect([configured.status, configured.commits]).toEqual([0, [`Dana Developer <dana@example.com> / Dana Developer <dana@example.com> / ${SUBJECT}`]]);
    expect(configured.output).not.toContain('Git has no user.name');

    const variables = projenNew('harmonix-serverless-api', {
      ...noGitIdentity(), GIT_AUTHOR_NAME: 'Sam', GIT_AUTHOR_EMAIL: 'sam@example.com', GIT_COMMITTER_NAME: 'CI', GIT_COMMITTER_EMAIL: 'ci@example.com',
    });
    expect([variables.status, variables.commits]).toEqual([0, [`Sam <sam@example.com> / CI <ci@example.com> / ${SUBJECT}`]]);
    expect(variables.output).not.toContain('Git has no user.name');

    // A name configured and no email: only the email is given.
    fs.writeFileSync(config, '[user]\n\tname = Dana Developer\n');
    const half = projenNew('harmonix-node-service', noGitIdentity(config));
    expect([half.status, half.commits]).toEqual([0, [`Dana Developer <harmonix-cdk@users.noreply.localhost> / Dana Developer <harmonix-cdk@users.noreply.localhost> / ${SUBJECT}`]]);
  }, 240_000);
});

test('a project synthesized again (npx projen, not projen new) leaves Git\'s environment alone', () => {
  const dir = newRepo();
  const script = `
require('ts-node').register({ transpileOnly: true, project: 'tsconfig.dev.json' });
process.env.PROJEN_DISABLE_POST = 'true';
new (require('./src').HarmonixNodeServiceProject)({ name: 'orders', defaultReleaseBranch: 'main', outdir: process.argv[1] }).synth();
console.log(JSON.stringify(Object.keys(process.env).filter(k => k.startsWith('GIT_AUTHOR') || k.startsWith('GIT_COMMITTER'))));
`;
  const out = execFileSync(process.execPath, ['-e', script, dir], { cwd: ROOT, env: noGitIdentity(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual([]);
}, 120_000);
