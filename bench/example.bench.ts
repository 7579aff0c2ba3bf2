/**
 * The main job as a user runs it: `npx projen example` (the CDK CLI synthesizing
 * examples/environments.ts, then the summary), once cold and then warm, with wall time and the
 * peak resident memory of its largest process (GNU time's %M; left out where /usr/bin/time is
 * missing). Then the example app alone, as cdk.json runs it, with and without aws-cdk-lib's
 * default CloudFormation validation (CDK_VALIDATION=false turns it off): the difference is what
 * that validation costs, the rest is loading modules and building and writing the templates.
 *
 *   npx projen bench:example      (BENCH_RUNS=3 warm runs by default)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const gnuTime = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Measure { readonly seconds: number; readonly peakMiB?: number }

/** Runs a command to its end and measures it; throws with its output when it fails. */
function measure(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Measure {
  const report = path.join(os.tmpdir(), `harmonix-bench-${process.pid}.time`);
  const started = process.hrtime.bigint();
  const run = gnuTime
    ? spawnSync(gnuTime, ['-f', '%M', '-o', report, command, ...args], { cwd: root, env, encoding: 'utf8' })
    : spawnSync(command, args, { cwd: root, env, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${run.stdout}${run.stderr}`);
  }
  const peakMiB = gnuTime ? Number(fs.readFileSync(report, 'utf8').trim().split('\n').pop()) / 1024 : undefined;
  return { seconds, peakMiB };
}

const show = (label: string, m: Measure) =>
  console.log(`${label.padEnd(46)} ${m.seconds.toFixed(1).padStart(6)} s${m.peakMiB !== undefined ? `  ${Math.round(m.peakMiB).toString().padStart(5)} MiB peak` : ''}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`npx projen example on ${os.cpus().length} cores, Node ${process.version}${gnuTime ? '' : ' (no /usr/bin/time: no memory figures)'}`);
show('cold (first run of this process tree)', measure('npx', ['projen', 'example']));
const warm = Array.from({ length: runs }, () => measure('npx', ['projen', 'example']));
warm.forEach((m, i) => show(`warm ${i + 1}`, m));
show(`warm median of ${runs}`, { seconds: median(warm.map(m => m.seconds)), peakMiB: warm[0].peakMiB === undefined ? undefined : median(warm.map(m => m.peakMiB!)) });

// The example app alone, as the CLI runs it, with and without the default validation.
const cdkJson = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8'));
const context = JSON.stringify({ ...cdkJson.context, ...JSON.parse(fs.readFileSync(path.join(root, 'cdk.context.json'), 'utf8')) });
const [appCommand, ...appArgs] = (cdkJson.app as string).split(' ');
const appEnv = (extra: NodeJS.ProcessEnv) => ({ ...process.env, CDK_OUTDIR: fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-bench-out-')), CDK_CONTEXT_JSON: context, ...extra });
show('example app alone (as cdk.json runs it)', measure(appCommand, appArgs, appEnv({})));
show('example app alone, CDK_VALIDATION=false', measure(appCommand, appArgs, appEnv({ CDK_VALIDATION: 'false' })));
