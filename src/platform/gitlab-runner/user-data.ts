import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** The scripts' folder: `assets/gitlab-runner` of the package, beside `src/` and `lib/`. */
const SCRIPT_DIR = path.join(__dirname, '..', '..', '..', 'assets', 'gitlab-runner');

/** Ends every file written by a here-document: no file may hold this line. */
const FILE_DELIMITER = 'HARMONIX_FILE';

/** A file the user data writes before the script runs. */
export interface UserDataFile {
  readonly path: string;
  readonly content: string;
  /** Octal mode, such as "0600". */
  readonly mode: string;
}

/**
 * One value as a shell word: single-quoted, with each `'` closed, escaped and reopened. Values
 * that are tokens (ARNs and names CloudFormation fills in) never hold a quote.
 */
export function shellQuote(value: string): string {
  if (Token.isUnresolved(value)) {
    return `'${value}'`;
  }
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}

const VARIABLE = /^[A-Z][A-Z0-9_]*$/;

/**
 * User data that sets the given readonly variables, writes the given files (quoted
 * here-documents: nothing in them is expanded) and then runs a script of `assets/gitlab-runner`.
 */
export function scriptUserData(script: string, variables: Record<string, string>, files: UserDataFile[]): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  const lines: string[] = [
    'set -euo pipefail',
    '# Values of this runner, written by harmonix-cdk (GitlabRunner).',
  ];
  for (const [name, value] of Object.entries(variables)) {
    if (!VARIABLE.test(name)) {
      throw new Error(`user data variable ${name} is not an upper-case shell name`);
    }
    lines.push(`readonly ${name}=${shellQuote(value)}`);
  }
  for (const file of files) {
    if (file.content.split('\n').includes(FILE_DELIMITER)) {
      throw new Error(`${file.path} holds the line ${FILE_DELIMITER}, which ends its here-document`);
    }
    lines.push(
      `install -d -m 0700 ${shellQuote(path.posix.dirname(file.path))}`,
      `cat > ${shellQuote(file.path)} <<'${FILE_DELIMITER}'`,
      ...file.content.replace(/\n$/, '').split('\n'),
      FILE_DELIMITER,
      `chmod ${file.mode} ${shellQuote(file.path)}`,
    );
  }
  const body = fs.readFileSync(path.join(SCRIPT_DIR, script), 'utf8').replace(/^#!.*\n/, '');
  lines.push(`# ${script} of harmonix-cdk:`, ...body.replace(/\n$/, '').split('\n'));
  userData.addCommands(...lines);
  return userData;
}
