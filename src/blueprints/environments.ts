import * as fs from 'fs';
import * as path from 'path';
import { descriptorParameterName, DESCRIPTORS_DIR } from '../common/naming';
import { EnvironmentDescriptor, parseDescriptor } from '../contract/descriptor';
import { EnvironmentKind } from '../contract/environment';

export { DESCRIPTORS_DIR };

/** One environment the app deploys to: its descriptor, read from its file. */
export type DeployTarget = EnvironmentDescriptor;

/** The command that fetches one environment's descriptor into the repository. */
export function fetchDescriptorCommand(name: string): string {
  return `aws ssm get-parameter --name ${descriptorParameterName(name)} --query Parameter.Value --output text > ${DESCRIPTORS_DIR}/${name}.json`;
}

/**
 * The environments an app deploys to, in delivery order (stage, then name): every descriptor in
 * `.harmonix/environments/`, or only those `names` lists. Each must be of one of `kinds`.
 * Throws one sentence for a duplicate or missing name, a file that is not a descriptor, a
 * descriptor whose name is not its file's, and a kind the blueprint cannot deploy to.
 */
export function readDeployTargets(where: string, root: string, kinds: EnvironmentKind[], names?: string[]): DeployTarget[] {
  if (names !== undefined) {
    if (names.length === 0) {
      throw new Error(`${where}: \`environments\` names no environment; leave it out to deploy to every descriptor in ${DESCRIPTORS_DIR}/, or name at least one.`);
    }
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) {
      throw new Error(`${where}: \`environments\` names "${twice}" twice; name each environment once.`);
    }
  }
  const dir = path.join(root, DESCRIPTORS_DIR);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith('.json')).sort() : [];
  const available = new Map(files.map(f => [f.replace(/\.json$/, ''), f]));
  for (const name of names ?? []) {
    if (!available.has(name)) {
      throw new Error(`${where}: environment "${name}" has no descriptor file ${DESCRIPTORS_DIR}/${name}.json; fetch it with \`${fetchDescriptorCommand(name)}\`.`);
    }
  }
  const targets = (names ?? [...available.keys()]).map(name => {
    const file = `${DESCRIPTORS_DIR}/${available.get(name)}`;
    const descriptor = parseDescriptor(`${where}: ${file}`, fs.readFileSync(path.join(root, file), 'utf8'));
    if (descriptor.name !== name) {
      throw new Error(`${where}: ${file} holds the descriptor of environment "${descriptor.name}"; name the file ${descriptor.name}.json.`);
    }
    if (!kinds.includes(descriptor.kind)) {
      throw new Error(`${where}: environment "${name}" is a ${descriptor.kind} environment, and this blueprint deploys to ${kinds.join(' or ')} environments only; leave it out of \`environments\` or remove ${file}.`);
    }
    return descriptor;
  });
  return targets.sort((a, b) => a.stage - b.stage || a.name.localeCompare(b.name));
}
