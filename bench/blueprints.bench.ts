/**
 * What a blueprint costs its users at `npx projen` time: how long generating (and re-generating)
 * an app repo takes with 0, 3 and 10 environment descriptors, and how many files and bytes projen
 * writes; the time excludes installing dependencies (measured by test:blueprints' own run).
 *
 *   npx projen bench            (BENCH_BLUEPRINT_RUNS=5 by default)
 */
import * as fs from 'fs';
import { Logger } from 'projen';
import { descriptorText, generate, PJIDS, repoFiles, synthBlueprint, BLUEPRINTS } from '../test/fixtures/blueprints';

const runs = Number(process.env.BENCH_BLUEPRINT_RUNS ?? 5);
// The repos without descriptors say how to add one, every run: expected here, and not measured.
quietLogger();

function quietLogger(): void {
  Logger.prototype.warn = () => undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

console.log(`blueprints: median of ${runs} runs, generation without install`);
console.log('blueprint                 envs  generate ms  regenerate ms  files  KB');
for (const pjid of PJIDS) {
  for (const count of [0, 3, 10]) {
    const descriptors: Record<string, string> = {};
    for (let i = 0; i < count; i++) {
      descriptors[`env${i}`] = descriptorText(BLUEPRINTS[pjid].kind, `env${i}`, i + 1, i === count - 1);
    }
    const first: number[] = [];
    const again: number[] = [];
    let dir = '';
    for (let r = 0; r < runs; r++) {
      const start = process.hrtime.bigint();
      dir = generate(pjid, descriptors);
      first.push(Number(process.hrtime.bigint() - start) / 1e6);
      const restart = process.hrtime.bigint();
      synthBlueprint(pjid, dir);
      again.push(Number(process.hrtime.bigint() - restart) / 1e6);
    }
    const files = repoFiles(dir);
    const bytes = files.reduce((sum, f) => sum + fs.statSync(`${dir}/${f}`).size, 0);
    console.log(`${pjid.padEnd(25)} ${String(count).padStart(4)} ${median(first).toFixed(0).padStart(12)} ${median(again).toFixed(0).padStart(14)}`
      + ` ${String(files.length).padStart(6)} ${(bytes / 1024).toFixed(1).padStart(5)}`);
  }
}
