import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { propError } from './errors';

/** Memory (MiB) Fargate accepts for each cpu (units): from, to, step. */
const FARGATE_MEMORY: Record<number, [number, number, number]> = {
  256: [512, 2048, 0],
  512: [1024, 4096, 1024],
  1024: [2048, 8192, 1024],
  2048: [4096, 16384, 1024],
  4096: [8192, 30720, 1024],
  8192: [16384, 61440, 4096],
  16384: [32768, 122880, 8192],
};

function memoryChoices(cpu: number): number[] {
  const [from, to, step] = FARGATE_MEMORY[cpu];
  if (step === 0) return [512, 1024, 2048];
  const out: number[] = [];
  for (let m = from; m <= to; m += step) out.push(m);
  return out;
}

/** Checks a cpu/memory pair against the task sizes Fargate accepts. */
export function validateFargateSize(scope: IConstruct, cpu: number, memoryMiB: number): void {
  if (Token.isUnresolved(cpu) || Token.isUnresolved(memoryMiB)) return;
  if (!(cpu in FARGATE_MEMORY)) {
    throw propError(scope, 'cpu', `${cpu} is not a Fargate task size; use one of ${Object.keys(FARGATE_MEMORY).join(', ')} (1024 = 1 vCPU).`);
  }
  const choices = memoryChoices(cpu);
  if (!choices.includes(memoryMiB)) {
    const [from, to] = FARGATE_MEMORY[cpu];
    const step = FARGATE_MEMORY[cpu][2];
    const range = step === 0 ? choices.join(', ') : `${from} to ${to} in steps of ${step}`;
    throw propError(scope, 'memoryLimitMiB', `Fargate does not run ${memoryMiB} MiB with cpu ${cpu}; use ${range} MiB.`);
  }
}
