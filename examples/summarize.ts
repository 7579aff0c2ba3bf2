/**
 * Prints a short summary of a synthesized cloud assembly: each stack with its resource counts
 * by type, and the cdk-nag result from the validation report.
 *
 *   ts-node examples/summarize.ts cdk.out
 */
import * as fs from 'fs';
import * as path from 'path';

interface Violation { readonly ruleName: string; readonly severity: string; readonly violatingConstructs?: Array<{ constructPath: string }> }
interface PluginReport { readonly pluginName: string; readonly conclusion: string; readonly violations: Violation[] }

function main(outdir: string): number {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stacks = Object.entries<any>(manifest.artifacts ?? {}).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  console.log(`Cloud assembly ${outdir}: ${stacks.length} stack(s)`);
  for (const [name, artifact] of stacks) {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties.templateFile), 'utf8'));
    const resources = Object.values<any>(template.Resources ?? {}).filter(r => r.Type !== 'AWS::CDK::Metadata');
    const byType = new Map<string, number>();
    resources.forEach(r => byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1));
    const outputs = Object.keys(template.Outputs ?? {}).length;
    console.log(`\n${name}: ${resources.length} resources, ${outputs} outputs`);
    [...byType.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .forEach(([type, count]) => console.log(`  ${String(count).padStart(3)}  ${type}`));
  }

  const reportFile = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(reportFile)) {
    console.log('\ncdk-nag: NOT RUN (no validation report: the app registered no validation plugin)');
    return 1;
  }
  // aws-cdk-lib lists only plugins that failed or found something; a crashed plugin is a failure.
  const reports: PluginReport[] = JSON.parse(fs.readFileSync(reportFile, 'utf8')).pluginReports ?? [];
  const violations = reports.flatMap(r => r.violations);
  const failed = reports.filter(r => r.conclusion !== 'success');
  if (failed.length === 0 && violations.length === 0) {
    console.log('\ncdk-nag AwsSolutions: passed, 0 unsuppressed errors, 0 unsuppressed warnings');
    return 0;
  }
  const count = (severity: string) => violations.filter(v => v.severity === severity).length;
  console.log(`\ncdk-nag: FAILED, ${count('error')} errors, ${count('warning')} warnings`);
  for (const r of failed.filter(f => f.violations.length === 0)) {
    console.log(`  plugin ${r.pluginName} failed without findings: treat as a failure`);
  }
  for (const v of violations) {
    console.log(`  ${v.severity} ${v.ruleName}: ${(v.violatingConstructs ?? []).map(c => c.constructPath).join(', ')}`);
  }
  return 1;
}

process.exitCode = main(process.argv[2] ?? 'cdk.out');
