import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Command } from 'commander';
import { AwsOptions, awsError, openSession, whoAmI, withAwsOptions } from '../aws-session';
import { CliIo, EXIT_CODES_HELP } from '../command';
import { CliError, ExitCode } from '../errors';
import { findOrUndefined, gitlabError, GitlabOptions, openGitlab, withGitlabOptions } from '../gitlab/client';

interface RegisterOptions extends AwsOptions, GitlabOptions {
  readonly runnerSecret: string;
  readonly tags: string;
  readonly group?: string;
  readonly project?: string;
  readonly description?: string;
  readonly runUntagged?: boolean;
  readonly replace?: boolean;
  readonly json?: boolean;
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const TAG = /^[A-Za-z0-9_.:-]{1,64}$/;

/** `harmonix runner register`: a GitLab runner (authentication token workflow) whose token goes straight into the runner's secret. */
export function registerRunner(program: Command, io: CliIo): void {
  const runner = program.command('runner').description('The GitLab runners of a GitlabRunner fleet.');
  withGitlabOptions(withAwsOptions(runner.command('register')
    .description('Create a runner in GitLab (POST /user/runners, the runner authentication token workflow) and put its glrt- token into the '
      + 'fleet\'s Secrets Manager secret, without printing it. The fleet\'s instances read it when they start: replace them afterwards.')
    .requiredOption('--runner-secret <arn>', 'the fleet\'s token secret (GitlabRunner\'s TokenSecretArn output)')
    .requiredOption('--tags <tags>', 'the runner\'s tags, comma-separated (the fleet\'s runnerTags)')
    .option('--group <path>', 'a group runner for this group (a/b/c)')
    .option('--project <path>', 'a project runner for this project (a/b/app)')
    .option('--description <text>', 'the runner\'s description in GitLab', 'harmonix-cdk GitlabRunner fleet')
    .option('--run-untagged', 'let the runner take jobs without tags too')
    .option('--replace', 'create a new runner even if the secret holds a token already')
    .option('--json', 'print the runner as JSON')))
    .addHelpText('after', `
The token is read from GITLAB_TOKEN (or the variable --token-env names): an access token with the
create_runner and read_api scopes (or api), whose user is an Owner of the group or a Maintainer of
the project.

Examples:
  harmonix runner register --runner-secret arn:aws:secretsmanager:eu-west-1:111111111111:secret:harmonix-runner-AbCdEf \\
    --tags harmonix,arm64 --group platform --region eu-west-1
  harmonix runner register --runner-secret <arn> --tags build --project acme/shop --gitlab-url https://gitlab.example.com --replace
${EXIT_CODES_HELP}`)
    .action(async (o: RegisterOptions) => {
      const tags = o.tags.split(',').map(t => t.trim()).filter(Boolean);
      if (tags.length === 0 || tags.some(t => !TAG.test(t))) {
        throw new CliError(`--tags "${o.tags}" is not a list of runner tags (letters, digits and _ . : -, comma-separated).`, ExitCode.USAGE);
      }
      if ((o.group === undefined) === (o.project === undefined)) {
        throw new CliError('say whose runner it is with --group or --project, one of the two.', ExitCode.USAGE);
      }
      if (!SECRET_ARN.test(o.runnerSecret)) {
        throw new CliError(`--runner-secret "${o.runnerSecret}" is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>).`, ExitCode.USAGE);
      }
      const conn = openGitlab(o);
      const session = openSession({ ...o, region: o.region ?? o.runnerSecret.split(':')[3] });
      const caller = await whoAmI(session);
      const secrets = new SecretsManagerClient({ region: session.region, credentials: session.credentials });
      const current = await secrets.send(new GetSecretValueCommand({ SecretId: o.runnerSecret }))
        .then(r => r.SecretString)
        .catch(e => {
          if ((e as Error).name === 'ResourceNotFoundException' && /current version|AWSCURRENT|value/i.test((e as Error).message)) return undefined;
          throw awsError(e, `read the secret ${o.runnerSecret}`);
        });
      if (current?.startsWith('glrt-') && !o.replace) {
        throw new CliError(`the secret ${o.runnerSecret} holds a runner token already, so no runner was created: pass --replace to create a new runner `
          + '(then delete the old one in GitLab).', ExitCode.INPUT);
      }

      const owner = o.group ?? o.project!;
      const found = o.group !== undefined
        ? await findOrUndefined(() => conn.api.Groups.show(owner), `read the group ${owner}`, conn)
        : await findOrUndefined(() => conn.api.Projects.show(owner), `read the project ${owner}`, conn);
      if (found === undefined) {
        throw new CliError(`the ${o.group !== undefined ? 'group' : 'project'} ${owner} does not exist on ${conn.url}, or the token's user cannot see it.`, ExitCode.GITLAB);
      }
      const created = await conn.api.Users.createCIRunner(o.group !== undefined ? 'group_type' : 'project_type', {
        ...(o.group !== undefined ? { groupId: Number(found.id) } : { projectId: Number(found.id) }),
        description: o.description,
        tagList: tags,
        runUntagged: Boolean(o.runUntagged),
        locked: true,
        accessLevel: 'not_protected',
      } as never).catch(e => { throw gitlabError(e, `create a runner for ${owner}`, conn); });
      const token = String(created.token);
      if (!token.startsWith('glrt-')) {
        throw new CliError(`GitLab at ${conn.url} created runner ${created.id} but its token is not a runner authentication token (glrt-...): `
          + 'delete it in GitLab; registration tokens are not supported.', ExitCode.GITLAB);
      }
      try {
        await secrets.send(new PutSecretValueCommand({ SecretId: o.runnerSecret, SecretString: token }));
      } catch (e) {
        throw new CliError(`runner ${created.id} was created in GitLab, but its token could not be stored: ${awsError(e, `write the secret ${o.runnerSecret}`).message} `
          + `Delete runner ${created.id} in GitLab (its token was not printed) and run the command again with credentials that may write the secret.`, ExitCode.AWS);
      }
      const result = { runnerId: created.id, owner, runnerType: o.group !== undefined ? 'group_type' : 'project_type', tags, secret: o.runnerSecret, account: caller.account };
      io.out(o.json ? JSON.stringify(result, undefined, 2)
        : `runner ${created.id} created for ${owner} (tags ${tags.join(', ')}); its token is in ${o.runnerSecret}: replace the fleet's instances to pick it up`);
    });
}
