import * as path from 'path';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  CREATE_APP_ACTION,
  CliError,
  createApp,
  ExitCode,
  isAppName,
} from 'harmonix-cdk/lib/cli/api';
import type { InputNames } from 'harmonix-cdk/lib/cli/api';
import { environmentDescriptors } from './environments';
import { examples } from './createApp.examples';
import { repoContentsUrl, repositoryTarget } from './repository';

/** How the action names its inputs in the sentences of a refusal: the template's fields. */
const FORM_INPUTS: InputNames = {
  blueprint: 'blueprint',
  environments: 'environments',
  gitHost: "repoUrl's host",
  gitlabUrl: "the GitLab integration's baseUrl",
  githubApiUrl: "the GitHub integration's apiBaseUrl",
  dir: '',
  options: 'options',
  otherGroup: 'pick another owner in the repository location',
  otherName: 'pick another name, or another owner in the repository location',
  generateTimeout: 'harmonix.createApp.generateTimeoutMinutes',
  retry: 'run the template again with the same values',
};

/** The action's configuration (`harmonix.createApp`), read once when the backend starts. */
export interface CreateAppSettings {
  /** The package projen takes the blueprints from; default: the harmonix-cdk this module runs. */
  readonly blueprintPackage?: string;
  /** How long generating a repository (projen new with its npm install) may take. */
  readonly generateTimeoutMinutes: number;
  /** The platform account's region (default: AWS_REGION, as on ECS). */
  readonly region?: string;
  readonly visibility: string;
  readonly approvals: number;
}

/** Reads and checks `harmonix.createApp` from Backstage's configuration. */
export function readSettings(config: Config): CreateAppSettings {
  const own = config.getOptionalConfig('harmonix.createApp');
  const minutes = own?.getOptionalNumber('generateTimeoutMinutes') ?? 20;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 120) {
    throw new InputError(
      `harmonix.createApp.generateTimeoutMinutes is ${minutes}: give a whole number of minutes from 1 to 120.`,
    );
  }
  const visibility = own?.getOptionalString('visibility') ?? 'private';
  if (!['private', 'internal', 'public'].includes(visibility)) {
    throw new InputError(
      `harmonix.createApp.visibility is "${visibility}": give private, internal or public.`,
    );
  }
  const approvals = own?.getOptionalNumber('approvals') ?? 1;
  if (!Number.isInteger(approvals) || approvals < 1 || approvals > 5) {
    throw new InputError(
      `harmonix.createApp.approvals is ${approvals}: give a whole number from 1 to 5.`,
    );
  }
  return {
    blueprintPackage: own?.getOptionalString('blueprintPackage'),
    generateTimeoutMinutes: minutes,
    region: own?.getOptionalString('region'),
    visibility,
    approvals,
  };
}

/** A refusal of the Git host or AWS: one sentence, like an input error. */
class HarmonixRefusal extends Error {
  name = 'HarmonixRefusal';
}

/**
 * The task log shows a failed step's error with its stack: a refusal (bad input, a host or AWS
 * saying no) shows as its one sentence instead; anything else (a bug) keeps its stack.
 */
function inOneSentence(e: unknown): unknown {
  if (e instanceof InputError || e instanceof HarmonixRefusal) {
    e.stack = `${e.name}: ${e.message}`;
  }
  return e;
}

/** A blueprint option's value as the form sends it; empty answers mean "the blueprint's default". */
function givenOptions(
  options: Record<string, unknown> | undefined,
): Record<string, string | number | boolean | string[]> {
  const given: Record<string, string | number | boolean | string[]> = {};
  for (const [name, value] of Object.entries(options ?? {})) {
    if (
      value === undefined ||
      value === null ||
      value === '' ||
      (Array.isArray(value) && value.length === 0)
    ) {
      continue;
    }
    if (
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      (Array.isArray(value) && value.every(v => typeof v === 'string'))
    ) {
      given[name] = value as string | number | boolean | string[];
    } else {
      throw new InputError(
        `options.${name} is ${JSON.stringify(
          value,
        )}: a blueprint option is a string, a number, a boolean or a list of strings.`,
      );
    }
  }
  return given;
}

/**
 * `harmonix:create-app`: generates an app's repository from a harmonix-cdk blueprint with the
 * picked environments' descriptors, and creates it on GitLab or GitHub with its pipeline ready:
 * the same code as `harmonix create-app`. The Git host's token comes from Backstage's
 * `integrations` configuration, the descriptors from the environment entities of the catalog, AWS
 * (the app's registration in the platform account) from the backend's own credentials.
 */
export function createHarmonixCreateAppAction(options: {
  integrations: ScmIntegrationRegistry;
  catalog: CatalogService;
  settings: CreateAppSettings;
}) {
  const { integrations, catalog, settings } = options;
  return createTemplateAction({
    id: CREATE_APP_ACTION,
    description:
      "Creates an app from a harmonix-cdk blueprint: its repository on GitLab or GitHub with the environments' descriptors, " +
      'the first commit on main, main protected, CI/CD variables and approvals for gated environments (as harmonix create-app).',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        blueprint: z =>
          z.string().describe('The blueprint, such as harmonix-node-service'),
        name: z =>
          z
            .string()
            .describe(
              "The app's name: its repository's, its stacks' and its catalog entity's",
            ),
        owner: z =>
          z
            .string()
            .optional()
            .describe("The app's owner in the catalog (an entity reference)"),
        system: z =>
          z
            .string()
            .optional()
            .describe('The system the app belongs to (an entity reference)'),
        environments: z =>
          z
            .array(z.string())
            .min(1)
            .describe(
              'The environments to deploy to: references of their catalog entities (Resource, type aws-environment)',
            ),
        repoUrl: z =>
          z
            .string()
            .describe(
              'Where the repository goes, as the repository picker writes it (host?owner=<group>&repo=<name>)',
            ),
        options: z =>
          z
            .record(z.string(), z.unknown())
            .optional()
            .describe(
              "The blueprint's own options, by their names (such as eksNamespace); empty ones take the blueprint's default",
            ),
      },
      output: {
        remoteUrl: z => z.string().describe("The repository's page"),
        repoContentsUrl: z =>
          z
            .string()
            .describe(
              "Where the repository's files are read on main (for catalog:register)",
            ),
        pipelineUrl: z => z.string().describe("The repository's pipelines"),
        project: z =>
          z.string().describe("The repository's full path (group/name)"),
      },
    },
    async handler(ctx) {
      try {
        const { input } = ctx;
        if (!isAppName(input.name)) {
          throw new InputError(
            `name "${input.name}" is not an app name: 1 to 40 lower-case letters, digits and single hyphens, starting with a letter.`,
          );
        }
        const target = await repositoryTarget(input.repoUrl, integrations);
        if (target.repo !== input.name) {
          throw new InputError(
            `repoUrl names the repository "${target.repo}", and an app's repository takes the app's name: name it ${input.name}.`,
          );
        }
        const blueprintOptions = givenOptions(input.options);
        if (input.owner) blueprintOptions.owner = input.owner;
        if (input.system) blueprintOptions.system = input.system;
        const descriptors = await environmentDescriptors(
          input.environments,
          catalog,
          await ctx.getInitiatorCredentials(),
        );
        ctx.logger.info(
          `${CREATE_APP_ACTION}: ${input.blueprint} as ${target.group}/${target.repo} on ${target.host}, ` +
            `deploying to ${descriptors
              .map(
                d =>
                  `${d.name} (${d.descriptor.kind}, stage ${d.descriptor.stage})`,
              )
              .join(', ')}`,
        );
        let result;
        try {
          result = await createApp({
            blueprint: input.blueprint,
            name: input.name,
            group: target.group,
            gitHost: target.gitHost,
            gitlabUrl: target.gitlabUrl,
            githubApiUrl: target.githubApiUrl,
            token: target.token,
            tokenSource: target.tokenSource,
            descriptors,
            dir: path.join(ctx.workspacePath, input.name),
            blueprintPackage: settings.blueprintPackage,
            blueprintOptions,
            visibility: settings.visibility,
            approvals: settings.approvals,
            generateTimeoutMinutes: settings.generateTimeoutMinutes,
            aws: { region: settings.region },
            checkOnly: ctx.isDryRun,
            inputs: FORM_INPUTS,
            report: line => ctx.logger.info(line),
          });
        } catch (e) {
          if (e instanceof CliError) {
            throw e.exitCode === ExitCode.USAGE || e.exitCode === ExitCode.INPUT
              ? new InputError(e.message)
              : new HarmonixRefusal(e.message);
          }
          throw e;
        }
        const webUrl = result.webUrl ?? target.webUrl;
        ctx.output('remoteUrl', webUrl);
        ctx.output(
          'repoContentsUrl',
          repoContentsUrl(target.gitHost, webUrl, result.defaultBranch),
        );
        ctx.output(
          'pipelineUrl',
          result.pipelineUrl ??
            (target.gitHost === 'gitlab'
              ? `${webUrl}/-/pipelines`
              : `${webUrl}/actions`),
        );
        ctx.output('project', result.project);
        ctx.logger.info(
          result.dryRun
            ? `dry run: nothing was created; ${result.project} would be created on ${target.host}`
            : `${result.project} is ready: ${webUrl}; its pipeline runs on each push to ${result.defaultBranch}`,
        );
      } catch (e) {
        throw inOneSentence(e);
      }
    },
  });
}
