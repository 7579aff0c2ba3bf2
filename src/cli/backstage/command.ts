import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { BLUEPRINT_MANIFEST_FILE, blueprintTemplates } from '../../common/backstage-templates';
import { isHostName } from '../../common/web-names';
import { CliIo, EXIT_CODES_HELP } from '../command';
import { CliError, ExitCode } from '../errors';

/** An entity reference of a group or user (`group:default/platform`, `group:platform`). */
const OWNER = /^(group|user):([a-z0-9][a-z0-9._-]*\/)?[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

interface TemplatesOptions {
  readonly out: string;
  readonly owner: string;
  readonly allowedHost: string[];
  readonly json?: boolean;
}

/** `harmonix backstage templates`: the blueprints as Backstage software templates, for a Backstage run elsewhere. */
export function registerBackstage(program: Command, io: CliIo): void {
  const backstage = program.command('backstage').description('Backstage: the blueprints as software templates.');
  backstage.command('templates')
    .description('Write one Backstage software template (scaffolder.backstage.io/v1beta3) per blueprint, generated from the blueprint\'s own options, and a catalog Location listing them, for a Backstage that runs outside BackstageOnFargate.')
    .requiredOption('--out <dir>', 'the folder the templates go to (created; files of the same names are replaced)')
    .option('--owner <ref>', 'owner of the template entities in the catalog', 'group:default/platform-team')
    .option('--allowed-host <host...>', 'hosts the repository picker offers: your GitLab and GitHub integrations', ['gitlab.com', 'github.com'])
    .option('--json', 'print the files written as JSON')
    .addHelpText('after', `
Register the folder's catalog-info.yaml in your Backstage (catalog.locations, or the catalog's
"Register existing component"), and add the harmonix scaffolder module to its backend: its
templates run the action harmonix:create-app.

Examples:
  harmonix backstage templates --out backstage/templates
  harmonix backstage templates --out templates --owner group:default/platform --allowed-host gitlab.example.com github.com
${EXIT_CODES_HELP}`)
    .action((options: TemplatesOptions) => {
      if (!OWNER.test(options.owner)) {
        throw new CliError(`--owner "${options.owner}" is not an entity reference of a group or user: use group:<namespace>/<name> or user:<namespace>/<name>, for example group:default/platform-team.`, ExitCode.USAGE);
      }
      const badHost = options.allowedHost.find(h => !isHostName(h));
      if (badHost !== undefined) {
        throw new CliError(`--allowed-host "${badHost}" is not a host name: give the host of a GitLab or GitHub integration, for example gitlab.com or gitlab.example.com:8443.`, ExitCode.USAGE);
      }
      if (fs.existsSync(options.out) && !fs.statSync(options.out).isDirectory()) {
        throw new CliError(`--out ${options.out} is a file, not a folder: name a folder for the templates.`, ExitCode.INPUT);
      }
      if (!fs.existsSync(BLUEPRINT_MANIFEST_FILE)) {
        throw new CliError(`the blueprints' options ${BLUEPRINT_MANIFEST_FILE} are missing from this installation of harmonix-cdk: reinstall the package (in a checkout, \`npx projen compile\` writes them).`, ExitCode.INPUT);
      }
      const templates = blueprintTemplates({ owner: options.owner, allowedHosts: options.allowedHost });
      fs.mkdirSync(options.out, { recursive: true });
      const written: string[] = [];
      for (const [pjid, template] of Object.entries(templates)) {
        fs.writeFileSync(path.join(options.out, `${pjid}.yaml`), stringify(template));
        written.push(`${pjid}.yaml`);
      }
      fs.writeFileSync(path.join(options.out, 'catalog-info.yaml'), stringify({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Location',
        metadata: { name: 'harmonix-templates', description: 'The harmonix-cdk blueprints as software templates' },
        spec: { targets: written.map(f => `./${f}`) },
      }));
      written.push('catalog-info.yaml');
      if (options.json) {
        io.out(JSON.stringify({ out: options.out, files: written }, undefined, 2));
      } else {
        io.out(`wrote ${written.length} files to ${options.out}: ${written.join(', ')}`);
      }
    });
}
