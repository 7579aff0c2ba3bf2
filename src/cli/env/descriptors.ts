import * as fs from 'fs';
import * as path from 'path';
import { descriptorParameterName } from '../../common/naming';
import { EnvironmentDescriptor, parseDescriptor } from '../../contract/descriptor';
import { AwsSession, CallerIdentity, parameterValue } from '../aws-session';
import { CliError, ExitCode } from '../errors';

/** A descriptor as SSM holds it, and as the contract's reader reads it. */
export interface FetchedDescriptor {
  readonly name: string;
  /** The parameter's text (fields of a newer schema minor included). */
  readonly text: string;
  readonly descriptor: EnvironmentDescriptor;
}

/** What was done with one environment's descriptor file. */
export interface FetchedEnvironment {
  readonly name: string;
  readonly kind: string;
  readonly stage: number;
  readonly requireApproval: boolean;
  readonly file: string;
  /** `written`, or `unchanged` when the file held that descriptor already. */
  readonly status: string;
}

/**
 * Reads the environments' descriptors from SSM (`/harmonix/environments/<name>`) in the caller's
 * account and the session's region, each checked by the contract's reader and against where it
 * was read. All are read before anything is written: all or nothing.
 */
export async function readDescriptors(session: AwsSession, caller: CallerIdentity, names: string[]): Promise<FetchedDescriptor[]> {
  const read: FetchedDescriptor[] = [];
  for (const name of [...new Set(names)]) {
    const parameter = descriptorParameterName(name);
    const text = await parameterValue(session, parameter);
    if (text === undefined) {
      throw new CliError(`environment "${name}" has no descriptor at ${parameter} in account ${caller.account}, ${session.region}: `
        + 'is it deployed there? Read another account with --profile or --role-arn, another region with --region.', ExitCode.INPUT);
    }
    let descriptor: EnvironmentDescriptor;
    try {
      descriptor = parseDescriptor(`${parameter} in account ${caller.account}`, text);
    } catch (e) {
      throw new CliError((e as Error).message, ExitCode.INPUT);
    }
    if (descriptor.name !== name || descriptor.account !== caller.account || descriptor.region !== session.region) {
      throw new CliError(`${parameter} in account ${caller.account}, ${session.region} describes environment "${descriptor.name}" `
        + `of account ${descriptor.account}, ${descriptor.region}; it was not written by that environment: deploy the environment again.`, ExitCode.INPUT);
    }
    read.push({ name, text, descriptor });
  }
  return read;
}

/** Writes descriptors into `dir` as `<name>.json`, formatted; says which changed. */
export function writeDescriptors(descriptors: FetchedDescriptor[], dir: string): FetchedEnvironment[] {
  return descriptors.map(({ name, text, descriptor }) => {
    const file = path.join(dir, `${name}.json`);
    const content = `${JSON.stringify(JSON.parse(text), undefined, 2)}\n`;
    const unchanged = fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content;
    if (!unchanged) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, content);
    }
    return {
      name, kind: descriptor.kind, stage: descriptor.stage, requireApproval: descriptor.requireApproval, file, status: unchanged ? 'unchanged' : 'written',
    };
  });
}
