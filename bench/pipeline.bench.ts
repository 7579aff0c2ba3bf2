/**
 * Synth time and template size of an AppPipeline with 1, 3 and 10 environments (a container
 * image build; the environments imported from descriptors, each in an account of its own),
 * against the limits that bound it: CloudFormation's 500 resources and 1 MB template per stack,
 * and CodePipeline's 50 stages per pipeline.
 *
 *   npx projen bench            (BENCH_PIPELINE_RUNS=5 by default)
 */
import { App } from 'aws-cdk-lib';
import { pipelineStack } from '../test/fixtures/pipelines';

const runs = Number(process.env.BENCH_PIPELINE_RUNS ?? 5);
const LIMITS = { stackResources: 500, templateBytes: 1_000_000, stages: 50 };

function synth(environments: number): { resources: number; bytes: number; stages: number } {
  const specs = Array.from({ length: environments }, (_, i) => ({
    kind: 'ECS' as const, name: `env${i + 1}`, stage: i + 1, requireApproval: i > 0, account: String(100000000000 + i),
  }));
  const { app } = pipelineStack(specs, {}, new App());
  const template = app.synth().getStackByName('Platform').template;
  const pipeline = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::CodePipeline::Pipeline');
  return { resources: Object.keys(template.Resources).length, bytes: JSON.stringify(template).length, stages: pipeline.Properties.Stages.length };
}

console.log(`\nAppPipeline: one app, a container image build, N environments; ${runs} runs per case`);
console.log(['environments'.padEnd(12), 'median ms', '   min ms', 'resources', '   bytes', 'stages'].join('  '));
// A first synthesis loads aws-cdk-lib's modules; it is not measured.
synth(1);
const rows: Array<{ n: number; resources: number; bytes: number }> = [];
for (const n of [1, 3, 10]) {
  const times: number[] = [];
  let result = synth(n);
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    result = synth(n);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  rows.push({ n, ...result });
  console.log([String(n).padEnd(12), times[Math.floor(times.length / 2)].toFixed(0).padStart(9), times[0].toFixed(0).padStart(9),
    String(result.resources).padStart(9), String(result.bytes).padStart(8), String(result.stages).padStart(6)].join('  '));
}
const [one, , ten] = rows;
const perEnvironment = (ten.resources - one.resources) / 9;
const bytesPerEnvironment = (ten.bytes - one.bytes) / 9;
console.log(`each environment adds ${perEnvironment.toFixed(1)} resources and ${(bytesPerEnvironment / 1000).toFixed(1)} kB: `
  + `one pipeline's stack would reach ${LIMITS.stackResources} resources at about ${Math.floor((LIMITS.stackResources - one.resources) / perEnvironment) + 1} environments, `
  + `CodePipeline stops it at ${LIMITS.stages - 2} (${LIMITS.stages} stages, 2 for source and build)`);
