import * as fs from 'fs';
import * as path from 'path';
import { BLUEPRINT_FACTS, BlueprintFacts } from './blueprint-facts';
import { APP_NAME_PATTERN } from './validation';

/**
 * Backstage software templates (`scaffolder.backstage.io/v1beta3` `Template` entities), one per
 * blueprint, generated from the blueprints' own options as the package's jsii assembly (`.jsii`)
 * records them: each option's summary, type, enum members and default become a form field, so a
 * template cannot drift from the blueprint. The build writes what the templates need of the
 * assembly to `assets/blueprints/options.json` (a test holds it to the assembly), so synthesis
 * and the command line read one small file, from a checkout that has not compiled yet too. Steps: `harmonix:create-app` (the scaffolder module
 * of this project, which runs `harmonix create-app`'s code), then `catalog:register` of the new
 * repository's `catalog-info.yaml`.
 */

/** The scaffolder action that creates an app's repository with its pipeline. */
export const CREATE_APP_ACTION = 'harmonix:create-app';

/** How the templates are written. */
export interface BlueprintTemplateOptions {
  /** Owner of the template entities in the catalog. */
  readonly owner: string;
  /** Hosts the repository picker offers (the portal's GitLab and GitHub integrations). */
  readonly allowedHosts: string[];
}

/**
 * How each option of `HarmonixAppOptions` reaches the template. Every option is named here, so a
 * new option fails the test that holds this table to the assembly until it is placed.
 * - `picker`: a field of its own with one of Backstage's pickers (name, owner, system, environments);
 * - `repository`: derived from the repository picker's value (host, URL, path);
 * - `registered`: set by `harmonix:create-app` from what the platform registered for the app (SSM);
 * - `field`: a form field made from the option's type and docs; `when` limits it to blueprints whose facts allow it.
 */
export const OPTION_PLACEMENT: Record<string, { readonly place: 'picker' | 'repository' | 'registered' | 'field'; readonly when?: (f: BlueprintFacts) => boolean }> = {
  appName: { place: 'picker' },
  owner: { place: 'picker' },
  system: { place: 'picker' },
  environments: { place: 'picker' },
  gitHost: { place: 'repository' },
  gitlabUrl: { place: 'repository' },
  gitlabProjectPath: { place: 'repository' },
  githubRepository: { place: 'repository' },
  imageRepositoryUri: { place: 'registered' },
  buildRoleArn: { place: 'registered' },
  region: { place: 'field' },
  ciCredentials: { place: 'field' },
  oidcAudience: { place: 'field' },
  runnerTags: { place: 'field' },
  containerPort: { place: 'field', when: f => f.image },
  eksNamespace: { place: 'field', when: f => f.kinds.includes('EKS') },
  // The Java service blueprint's own.
  javaPackage: { place: 'field' },
};

interface JsiiDocs { readonly summary?: string; readonly remarks?: string; readonly default?: string; readonly custom?: Record<string, string> }
interface JsiiTypeRef {
  readonly primitive?: string;
  readonly fqn?: string;
  readonly collection?: { readonly kind: string; readonly elementtype: JsiiTypeRef };
}
interface JsiiProperty { readonly name: string; readonly type: JsiiTypeRef; readonly optional?: boolean; readonly docs?: JsiiDocs }
interface JsiiType {
  readonly fqn: string;
  readonly kind: string;
  readonly docs?: JsiiDocs;
  readonly interfaces?: string[];
  readonly properties?: JsiiProperty[];
  readonly members?: Array<{ readonly name: string; readonly docs?: JsiiDocs }>;
  readonly initializer?: { readonly parameters?: Array<{ readonly type: JsiiTypeRef }> };
}
interface JsiiAssembly { readonly name: string; readonly types: Record<string, JsiiType> }

/** The package's own jsii assembly, beside lib/ (and beside src/ in a checkout, once compiled). */
export function defaultAssemblyFile(): string {
  return path.join(__dirname, '..', '..', '.jsii');
}

/** What the templates need of the assembly, written by the build: the blueprints and the enums their options use. */
export const BLUEPRINT_MANIFEST_FILE = path.join(__dirname, '..', '..', 'assets', 'blueprints', 'options.json');

/** The blueprints' options as the build recorded them from the assembly. */
export interface BlueprintManifest {
  readonly blueprints: Array<Omit<BlueprintSpec, 'facts'>>;
  readonly enums: Record<string, JsiiType>;
}

/** A blueprint as its project type is recorded in the assembly. */
export interface BlueprintSpec {
  readonly pjid: string;
  readonly summary: string;
  readonly facts: BlueprintFacts;
  /** The options the blueprint declares itself (its assembly's interfaces, not projen's). */
  readonly options: JsiiProperty[];
}

/** The manifest of an assembly: its blueprints (project types with a `@pjid` and facts) with their own options, and the enums they use. */
export function blueprintManifest(assemblyFile = defaultAssemblyFile()): BlueprintManifest {
  const assembly = JSON.parse(fs.readFileSync(assemblyFile, 'utf8')) as JsiiAssembly;
  const own = (fqn: string) => fqn.startsWith(`${assembly.name}.`) ? assembly.types[fqn] : undefined;
  const optionsOf = (fqn: string, seen = new Set<string>()): JsiiProperty[] => {
    const type = own(fqn);
    if (!type || seen.has(fqn)) return [];
    seen.add(fqn);
    return [...(type.properties ?? []), ...(type.interfaces ?? []).flatMap(base => optionsOf(base, seen))];
  };
  const blueprints = Object.values(assembly.types)
    .filter(t => t.kind === 'class' && t.docs?.custom?.pjid && BLUEPRINT_FACTS[t.docs.custom.pjid])
    .map(t => ({
      pjid: t.docs!.custom!.pjid,
      summary: t.docs?.summary ?? t.docs!.custom!.pjid,
      options: optionsOf(t.initializer?.parameters?.[0]?.type.fqn ?? '')
        .map(o => ({ name: o.name, type: o.type, docs: { summary: o.docs?.summary, default: o.docs?.default } }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    }))
    .sort((a, b) => a.pjid.localeCompare(b.pjid));
  const enumFqns = [...new Set(blueprints.flatMap(b => b.options.map(o => o.type.fqn)).filter((f): f is string => !!f && assembly.types[f]?.kind === 'enum'))].sort();
  const enums = Object.fromEntries(enumFqns.map(fqn => {
    const e = assembly.types[fqn];
    return [fqn, { fqn, kind: e.kind, members: (e.members ?? []).map(m => ({ name: m.name, docs: { summary: m.docs?.summary } })) }];
  }));
  return { blueprints, enums };
}

/** The manifest the build wrote, beside the compiled library. */
function readManifest(): BlueprintManifest {
  return JSON.parse(fs.readFileSync(BLUEPRINT_MANIFEST_FILE, 'utf8')) as BlueprintManifest;
}

/** The blueprints of the manifest, with their facts. */
export function blueprintSpecs(manifest: BlueprintManifest = readManifest()): BlueprintSpec[] {
  return manifest.blueprints.map(b => ({ ...b, facts: BLUEPRINT_FACTS[b.pjid] }));
}

/** A jsii enum member's runtime value: this library's enums are the member's name, lower case, with hyphens. */
function enumValue(member: string): string {
  return member.toLowerCase().replace(/_/g, '-');
}

/** A default written in a jsii doc (`"eu-west-1"`, `8080`, `CiCredentials.OIDC`) as a JSON value; undefined for a described default. */
function defaultValue(option: JsiiProperty, types: Record<string, JsiiType>): unknown {
  const text = option.docs?.default?.trim();
  // "- the app name" describes a default; "harmonix/<appName>" derives one from other answers.
  if (!text || text.startsWith('-') || text.includes('<')) return undefined;
  if (/^".*"$/.test(text)) return JSON.parse(text);
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const member = /^(\w+)\.(\w+)$/.exec(text);
  if (member && option.type.fqn && types[option.type.fqn]?.members?.some(m => m.name === member[2])) return enumValue(member[2]);
  return undefined;
}

/** The JSON Schema form field of an option, from its type and docs. */
function formField(option: JsiiProperty, types: Record<string, JsiiType>): Record<string, unknown> {
  const field: Record<string, unknown> = { title: titleOf(option.name), description: option.docs?.summary };
  const type = option.type;
  if (type.primitive === 'string') {
    field.type = 'string';
  } else if (type.primitive === 'number') {
    field.type = 'number';
  } else if (type.primitive === 'boolean') {
    field.type = 'boolean';
  } else if (type.collection?.kind === 'array' && type.collection.elementtype.primitive === 'string') {
    Object.assign(field, { type: 'array', items: { type: 'string' }, uniqueItems: true });
  } else if (type.fqn && types[type.fqn]?.kind === 'enum') {
    const members = types[type.fqn].members ?? [];
    Object.assign(field, { type: 'string', enum: members.map(m => enumValue(m.name)), enumNames: members.map(m => m.docs?.summary ?? m.name) });
  } else {
    throw new Error(`blueprint option ${option.name} has a type the templates cannot ask for: ${JSON.stringify(type)}`);
  }
  const value = defaultValue(option, types);
  if (value !== undefined) field.default = value;
  return field;
}

function titleOf(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The description of an option, from its docs. */
function describe(options: JsiiProperty[], name: string): string | undefined {
  return options.find(o => o.name === name)?.docs?.summary;
}

/** The `Template` entity of one blueprint. */
export function blueprintTemplate(spec: BlueprintSpec, o: BlueprintTemplateOptions, types: Record<string, JsiiType>): Record<string, unknown> {
  const unplaced = spec.options.filter(opt => !OPTION_PLACEMENT[opt.name]).map(opt => opt.name);
  if (unplaced.length > 0) {
    throw new Error(`blueprint ${spec.pjid} has options the templates do not place: ${unplaced.join(', ')} (add them to OPTION_PLACEMENT)`);
  }
  const fields = spec.options.filter(opt => OPTION_PLACEMENT[opt.name].place === 'field' && (OPTION_PLACEMENT[opt.name].when?.(spec.facts) ?? true));
  const choices = Object.fromEntries(fields.map(opt => [opt.name, formField(opt, types)]));
  const kinds = spec.facts.kinds;
  const param = (name: string) => `\${{ parameters.${name} }}`;
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: spec.pjid,
      title: titleOf(spec.pjid.replace(/^harmonix-/, '').replace(/-/g, ' ')),
      description: spec.summary,
      tags: ['harmonix', ...kinds.map(k => k.toLowerCase())],
      annotations: { 'harmonix.dev/blueprint': spec.pjid },
    },
    spec: {
      owner: o.owner,
      type: 'service',
      parameters: [
        {
          title: 'The app',
          required: ['name', 'owner'],
          properties: {
            name: {
              'title': 'Name',
              'type': 'string',
              'description': describe(spec.options, 'appName'),
              'pattern': APP_NAME_PATTERN,
              'maxLength': 40,
              'ui:field': 'EntityNamePicker',
              'ui:autofocus': true,
            },
            owner: {
              'title': 'Owner',
              'type': 'string',
              'description': describe(spec.options, 'owner'),
              'ui:field': 'OwnerPicker',
              'ui:options': { catalogFilter: { kind: ['Group', 'User'] } },
            },
            system: {
              'title': 'System',
              'type': 'string',
              'description': describe(spec.options, 'system'),
              'ui:field': 'EntityPicker',
              'ui:options': { catalogFilter: { kind: 'System' } },
            },
          },
        },
        {
          title: 'Environments',
          required: ['environments'],
          properties: {
            environments: {
              'title': 'Environments',
              'type': 'array',
              'minItems': 1,
              'items': { type: 'string' },
              'description': `${describe(spec.options, 'environments') ?? ''} Only ${kinds.join(' and ')} environments are offered; the order and approvals are the environments' own.`.trim(),
              'ui:field': 'MultiEntityPicker',
              'ui:options': { catalogFilter: { 'kind': 'Resource', 'spec.type': 'aws-environment', 'metadata.annotations.harmonix.dev/kind': kinds } },
            },
          },
        },
        {
          title: 'Repository',
          required: ['repoUrl'],
          properties: {
            repoUrl: {
              'title': 'Repository location',
              'type': 'string',
              'description': 'Where the repository is created: a GitLab project or a GitHub repository (its host decides the pipeline: GitLab CI or GitHub Actions).',
              'ui:field': 'RepoUrlPicker',
              'ui:options': { allowedHosts: o.allowedHosts },
            },
          },
        },
        ...(fields.length > 0 ? [{ title: 'Options', properties: choices }] : []),
      ],
      steps: [
        {
          id: 'create-app',
          name: 'Create the repository with its pipeline',
          action: CREATE_APP_ACTION,
          input: {
            blueprint: spec.pjid,
            name: param('name'),
            owner: param('owner'),
            system: param('system'),
            environments: param('environments'),
            repoUrl: param('repoUrl'),
            options: Object.fromEntries(fields.map(opt => [opt.name, param(opt.name)])),
          },
        },
        {
          id: 'register',
          name: 'Register the app in the catalog',
          action: 'catalog:register',
          input: { repoContentsUrl: '${{ steps[\'create-app\'].output.repoContentsUrl }}', catalogInfoPath: '/catalog-info.yaml' },
        },
      ],
      output: {
        links: [
          { title: 'Repository', url: '${{ steps[\'create-app\'].output.remoteUrl }}' },
          { title: 'Pipeline', url: '${{ steps[\'create-app\'].output.pipelineUrl }}' },
          { title: 'Open in catalog', icon: 'catalog', entityRef: '${{ steps[\'register\'].output.entityRef }}' },
        ],
      },
    },
  };
}

/** The `Template` entities of every blueprint, by blueprint name. */
export function blueprintTemplates(
  o: BlueprintTemplateOptions, manifest: BlueprintManifest = readManifest(),
): Record<string, Record<string, unknown>> {
  return Object.fromEntries(blueprintSpecs(manifest).map(spec => [spec.pjid, blueprintTemplate(spec, o, manifest.enums)]));
}
