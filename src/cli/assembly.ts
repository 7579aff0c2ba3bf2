import * as fs from 'fs';
import * as path from 'path';
import { CliError, ExitCode } from './errors';

/** A CloudFormation template, as far as the commands read it. */
export interface Template {
  readonly Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  readonly Resources?: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { Value?: unknown; Export?: { Name?: unknown } }>;
}

/** One resource of a template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly DependsOn?: string | string[];
  readonly Metadata?: Record<string, any>;
}

/** A stack of a cloud assembly, with its nested stacks' templates resolved. */
export interface AssemblyStack {
  /** Stack name (or, for a nested stack, `Parent/LogicalId`). */
  readonly name: string;
  /** Region from the stack's environment, when it names one. */
  readonly region?: string;
  readonly template: Template;
  /** Stacks this one depends on (deployed first). */
  readonly dependencies: string[];
  /** The stack's own tags, as the manifest records them (empty for a nested stack). */
  readonly tags: Record<string, string>;
  /** Nested stacks, by the logical id of their AWS::CloudFormation::Stack resource. */
  readonly nested: AssemblyStack[];
}

function readJson(file: string, what: string): any {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, ExitCode.INPUT);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${what} ${file} is not valid JSON (${(e as Error).message}).`, ExitCode.INPUT);
  }
}

/** The stacks of a synthesized cloud assembly (`cdk synth` output folder), in manifest order. */
export function readAssembly(dir: string): AssemblyStack[] {
  if (!fs.existsSync(dir)) {
    throw new CliError(`${dir} does not exist; give the folder \`cdk synth\` wrote (cdk.out by default).`, ExitCode.INPUT);
  }
  if (!fs.statSync(dir).isDirectory()) {
    throw new CliError(`${dir} is a file; give the folder \`cdk synth\` wrote (cdk.out by default).`, ExitCode.INPUT);
  }
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new CliError(`${dir} is not a cloud assembly: it has no manifest.json; run \`cdk synth\` first.`, ExitCode.INPUT);
  }
  const manifest = readJson(manifestFile, 'the manifest');
  const stacks: AssemblyStack[] = [];
  for (const [name, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloud-assembly') {
      // A nested assembly (CDK stages): read its stacks too, named by the stage.
      stacks.push(...readAssembly(path.join(dir, artifact.properties.directoryName))
        .map(s => ({ ...s, name: `${name}/${s.name}`, dependencies: s.dependencies.map(d => `${name}/${d}`) })));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack') {
      continue;
    }
    const env = /^aws:\/\/[^/]+\/(.+)$/.exec(artifact.environment ?? '');
    const region = env && env[1] !== 'unknown-region' ? env[1] : undefined;
    const template = readJson(path.join(dir, artifact.properties.templateFile), `the template of ${name}`) as Template;
    stacks.push({
      name,
      region,
      template,
      dependencies: (artifact.dependencies ?? []).filter((d: string) => manifest.artifacts[d]?.type === 'aws:cloudformation:stack'),
      tags: stackTags(artifact.properties.tags),
      nested: readNested(dir, name, template),
    });
  }
  if (stacks.length === 0) {
    throw new CliError(`${dir} holds no CloudFormation stack; check that \`cdk synth\` ran on an app with stacks.`, ExitCode.INPUT);
  }
  return stacks;
}

/** The string-valued tags of a stack artifact's properties. */
function stackTags(tags: unknown): Record<string, string> {
  if (!tags || typeof tags !== 'object' || Array.isArray(tags)) return {};
  return Object.fromEntries(Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Nested stacks: CDK writes their templates as assets named in the resource's metadata. */
function readNested(dir: string, parent: string, template: Template): AssemblyStack[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack' && typeof r.Metadata?.['aws:asset:path'] === 'string')
    .map(([id, r]) => {
      const name = `${parent}/${id}`;
      const nestedTemplate = readJson(path.join(dir, r.Metadata!['aws:asset:path']), `the template of nested stack ${name}`) as Template;
      return { name, region: undefined, template: nestedTemplate, dependencies: [], tags: {}, nested: readNested(dir, name, nestedTemplate) };
    });
}

/** True when the target is a file (a report written by `harmonix cost --json`), not a folder. */
export function isJsonFile(target: string): boolean {
  return fs.existsSync(target) && fs.statSync(target).isFile();
}

export { readJson };
