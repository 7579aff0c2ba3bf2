import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Entity } from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { parse } from 'yaml';
import { CiCredentials, GitHost } from '../../src';
import { main } from '../../src/cli/main';
import { BLUEPRINT_MANIFEST_FILE, blueprintManifest, blueprintSpecs, blueprintTemplates, OPTION_PLACEMENT } from '../../src/common/backstage-templates';
import { BLUEPRINT_FACTS } from '../../src/common/blueprint-facts';
import { isAppName } from '../../src/common/validation';
import { catalogAccepts } from '../fixtures/catalog';
import { ROOT } from '../fixtures/readme';

const OPTIONS = { owner: 'group:default/platform-team', allowedHosts: ['gitlab.example.com', 'github.com'] };
const templates = blueprintTemplates(OPTIONS);
const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8'));

/** Runs the command line in-process; resolves to its exit code and what it printed. */
async function harmonix(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: t => out.push(t), err: t => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const parameters = (template: any) => Object.assign({}, ...template.spec.parameters.map((p: any) => p.properties));

describe('Backstage software templates from the blueprints', () => {
  test('one template per blueprint, each accepted by Backstage\'s catalog policies and its template validator', async () => {
    expect(Object.keys(templates).sort()).toEqual(Object.keys(BLUEPRINT_FACTS).sort());
    for (const template of Object.values(templates)) {
      expect(await catalogAccepts(template as unknown as Entity, templateEntityV1beta3Validator)).toBe(true);
    }
  });

  test('the manifest the templates are made from is the assembly\'s record of the blueprints (the build writes it after jsii)', () => {
    expect(JSON.parse(fs.readFileSync(BLUEPRINT_MANIFEST_FILE, 'utf8'))).toEqual(blueprintManifest(path.join(ROOT, '.jsii')));
  });

  test('every option of the blueprints is placed: a new option fails here until the templates ask for it or say why not', () => {
    const shared = assembly.types['harmonix-cdk.HarmonixAppOptions'].properties.map((p: any) => p.name);
    const specs = blueprintSpecs();
    expect(specs.map(s => s.pjid)).toEqual(Object.keys(BLUEPRINT_FACTS).sort());
    const declared = [...new Set(specs.flatMap(s => s.options.map(o => o.name)))].sort();
    expect(declared).toEqual(expect.arrayContaining(shared));
    // Exactly the options the blueprints declare: none left out, none stale.
    expect(Object.keys(OPTION_PLACEMENT).sort()).toEqual(declared);
    expect(parameters(templates['harmonix-java-service']).javaPackage).toMatchObject({ type: 'string', description: expect.stringMatching(/^Java package/) });
    expect(parameters(templates['harmonix-java-service']).javaPackage.default).toBeUndefined();
  });

  test('the form asks with Backstage\'s pickers: a name by the blueprints\' rule, an owner, environments of the kinds the blueprint deploys to, a repository', () => {
    for (const [pjid, template] of Object.entries<any>(templates)) {
      const fields = parameters(template);
      expect([fields.name['ui:field'], fields.owner['ui:field'], fields.environments['ui:field'], fields.repoUrl['ui:field']])
        .toEqual(['EntityNamePicker', 'OwnerPicker', 'MultiEntityPicker', 'RepoUrlPicker']);
      const pattern = new RegExp(fields.name.pattern);
      for (const name of ['orders', 'a', 'orders-api', 'x'.repeat(40), 'Orders', 'orders--api', '1orders', 'orders-', 'x'.repeat(41)]) {
        expect([name, pattern.test(name) && name.length <= fields.name.maxLength]).toEqual([name, isAppName(name)]);
      }
      expect(fields.environments['ui:options'].catalogFilter).toEqual({
        'kind': 'Resource', 'spec.type': 'aws-environment', 'metadata.annotations.harmonix.dev/kind': BLUEPRINT_FACTS[pjid].kinds,
      });
      expect(fields.repoUrl['ui:options']).toEqual({ allowedHosts: ['gitlab.example.com', 'github.com'] });
      expect(template.spec.owner).toBe('group:default/platform-team');
    }
  });

  test('the blueprint\'s own choices come from its options: types, enum values as the library has them, documented defaults; container options for container blueprints only', () => {
    const node = parameters(templates['harmonix-node-service']);
    const serverless = parameters(templates['harmonix-serverless-api']);
    expect(node.ciCredentials).toMatchObject({ type: 'string', enum: Object.values(CiCredentials), default: CiCredentials.OIDC });
    expect(node.region).toMatchObject({ type: 'string', default: 'eu-west-1' });
    expect(node.containerPort).toMatchObject({ type: 'number', default: 8080 });
    expect(node.runnerTags).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(node.eksNamespace).toMatchObject({ type: 'string', description: expect.stringMatching(/^Kubernetes namespace/) });
    expect(node.eksNamespace.default).toBeUndefined();
    expect([serverless.containerPort, serverless.eksNamespace]).toEqual([undefined, undefined]);
    // Set by create-app from what the platform registered, or from the repository's location: never asked.
    for (const fields of [node, serverless]) {
      expect(Object.keys(fields).filter(k => ['imageRepositoryUri', 'buildRoleArn', 'gitHost', 'gitlabUrl', 'gitlabProjectPath', 'githubRepository', 'appName'].includes(k))).toEqual([]);
    }
    expect(Object.values(GitHost).length).toBe(2);
  });

  test('steps: harmonix:create-app with every answer, then catalog:register of the new repository\'s catalog file; links to the repository, pipeline and component', () => {
    const template: any = templates['harmonix-python-service'];
    expect(template.spec.steps.map((s: any) => s.action)).toEqual(['harmonix:create-app', 'catalog:register']);
    const input = template.spec.steps[0].input;
    expect(input).toMatchObject({ blueprint: 'harmonix-python-service', name: '${{ parameters.name }}', environments: '${{ parameters.environments }}', repoUrl: '${{ parameters.repoUrl }}' });
    expect(Object.keys(input.options).sort()).toEqual(['ciCredentials', 'containerPort', 'eksNamespace', 'oidcAudience', 'region', 'runnerTags']);
    expect(template.spec.steps[1].input).toEqual({ repoContentsUrl: '${{ steps[\'create-app\'].output.repoContentsUrl }}', catalogInfoPath: '/catalog-info.yaml' });
    expect(template.spec.output.links.map((l: any) => l.title)).toEqual(['Repository', 'Pipeline', 'Open in catalog']);
  });
});

describe('harmonix backstage templates', () => {
  test('writes each template as YAML and a Location listing them, which Backstage accepts', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-templates-')), 'templates');
    const run = await harmonix('backstage', 'templates', '--out', out, '--owner', 'group:default/platform-team', '--allowed-host', 'gitlab.example.com', 'github.com', '--json');
    expect([run.code, run.err]).toEqual([0, '']);
    const files = JSON.parse(run.out).files;
    expect(files.sort()).toEqual([...Object.keys(BLUEPRINT_FACTS).map(p => `${p}.yaml`), 'catalog-info.yaml'].sort());
    for (const pjid of Object.keys(BLUEPRINT_FACTS)) {
      expect(parse(fs.readFileSync(path.join(out, `${pjid}.yaml`), 'utf8'))).toEqual(JSON.parse(JSON.stringify(templates[pjid])));
    }
    const location = parse(fs.readFileSync(path.join(out, 'catalog-info.yaml'), 'utf8'));
    expect(location).toMatchObject({ kind: 'Location', spec: { targets: Object.keys(BLUEPRINT_FACTS).sort().map(p => `./${p}.yaml`) } });
  });

  test.each([
    [['--owner', 'platform-team'], 2, /^harmonix: --owner "platform-team" is not an entity reference of a group or user: use group:<namespace>\/<name>/],
    [['--allowed-host', 'https://gitlab.com'], 2, /^harmonix: --allowed-host "https:\/\/gitlab.com" is not a host name: give the host of a GitLab or GitHub integration/],
  ])('refuses %j in one sentence, writing nothing', async (args, code, message) => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-templates-')), 'templates');
    const run = await harmonix('backstage', 'templates', '--out', out, ...args);
    expect([run.code, run.err.split('\n').length]).toEqual([code, 1]);
    expect(run.err).toMatch(message);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('refuses an --out that is a file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-templates-')), 'file');
    fs.writeFileSync(file, '');
    const run = await harmonix('backstage', 'templates', '--out', file);
    expect([run.code, run.err]).toEqual([3, `harmonix: --out ${file} is a file, not a folder: name a folder for the templates.`]);
  });
});
