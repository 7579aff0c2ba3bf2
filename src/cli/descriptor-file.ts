import * as fs from 'fs';
import { CliError, ExitCode } from './errors';
import { EnvironmentDescriptor, parseDescriptor } from '../contract/descriptor';

/** Reads and checks an environment descriptor file; a problem is one sentence with exit code 3. */
export function readDescriptorFile(file: string): EnvironmentDescriptor {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read the descriptor ${file} (${(e as NodeJS.ErrnoException).code}).`, ExitCode.INPUT);
  }
  try {
    return parseDescriptor(file, text);
  } catch (e) {
    throw new CliError((e as Error).message, ExitCode.INPUT);
  }
}
