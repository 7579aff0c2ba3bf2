import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { goTool } from '../fixtures/go-tools';
import { pythonTool } from '../fixtures/python-tools';

/** One finding of zizmor: its audit, what it says, and where (1-based line of the workflow). */
export interface ZizmorFinding {
  readonly audit: string;
  readonly says: string;
  readonly line?: number;
}

/**
 * What zizmor (the GitHub Actions security linter, from PyPI) finds in a workflow at its default
 * settings: the regular persona, every offline audit, no configuration file (`--no-config`), and
 * offline (`--offline`, no GitHub token), so the result depends on the file alone.
 */
export function zizmor(workflow: string): ZizmorFinding[] {
  const env = { ...process.env };
  for (const token of ['GH_TOKEN', 'GITHUB_TOKEN', 'ZIZMOR_GITHUB_TOKEN']) delete env[token];
  const run = spawnSync(pythonTool('zizmor'), ['--offline', '--no-config', '--format', 'json', workflow], { encoding: 'utf8', env, timeout: 120_000 });
  if (run.error) throw run.error;
  let findings: any[];
  try {
    findings = JSON.parse(run.stdout);
  } catch {
    throw new Error(`zizmor ${workflow} failed (${run.status ?? run.signal}): ${run.stderr}`);
  }
  // zizmor exits 0 without findings and 10 to 14 (by the highest severity) with some.
  if (run.status !== 0 && findings.length === 0) {
    throw new Error(`zizmor ${workflow} failed (${run.status ?? run.signal}): ${run.stderr}`);
  }
  return findings.map(f => ({
    audit: f.ident,
    says: f.locations?.[0]?.symbolic?.annotation ?? f.desc,
    line: typeof f.locations?.[0]?.concrete?.location?.start_point?.row === 'number' ? f.locations[0].concrete.location.start_point.row + 1 : undefined,
  }));
}

/**
 * Lints a workflow whose jobs run on self-hosted runners with actionlint (and shellcheck), telling
 * it the runners' own labels as its configuration file does; throws with its findings.
 */
export function actionlintSelfHosted(workflow: string, labels: string[]): void {
  const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-actionlint-')), 'actionlint.yaml');
  fs.writeFileSync(config, `self-hosted-runner:\n  labels:\n${labels.map(l => `    - ${l}\n`).join('')}`);
  execFileSync(goTool('actionlint'), ['-no-color', '-config-file', config, '-shellcheck', pythonTool('shellcheck'), workflow], { stdio: 'pipe' });
}
