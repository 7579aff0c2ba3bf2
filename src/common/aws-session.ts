import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { CliError, ExitCode } from './user-errors';
import { isAwsRegion, isRoleArn } from './validation';

/** How a command reaches AWS: the options every AWS-facing command takes. */
export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly roleArn?: string;
  readonly externalId?: string;
  /** The role session's name, which CloudTrail shows (default `harmonix-cli`). */
  readonly sessionName?: string;
}

/** Who the caller is, as STS says. */
export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

/** Credentials and a region, ready for the SDK's clients. */
export interface AwsSession {
  readonly region: string;
  readonly credentials: ReturnType<typeof defaultProvider>;
}

/** Checks the AWS options and opens a session; nothing is called yet. */
export function openSession(o: AwsOptions): AwsSession {
  const region = o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new CliError('no AWS region: give --region, or set AWS_REGION.', ExitCode.USAGE);
  }
  if (!isAwsRegion(region)) {
    throw new CliError(`--region "${region}" is not an AWS region (such as eu-west-1).`, ExitCode.USAGE);
  }
  if (o.roleArn !== undefined && !isRoleArn(o.roleArn)) {
    throw new CliError(`--role-arn "${o.roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).`, ExitCode.USAGE);
  }
  if (o.externalId !== undefined && o.roleArn === undefined) {
    throw new CliError('--external-id goes with --role-arn: give the role that requires it.', ExitCode.USAGE);
  }
  const base = defaultProvider(o.profile ? { profile: o.profile } : {});
  if (!o.roleArn) {
    return { region, credentials: base };
  }
  const roleArn = o.roleArn;
  let assumed: Promise<Awaited<ReturnType<typeof base>>> | undefined;
  const credentials = () => {
    assumed ??= new STSClient({ region, credentials: base })
      .send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: o.sessionName ?? 'harmonix-cli', ExternalId: o.externalId, DurationSeconds: 3600 }))
      .then(r => ({
        accessKeyId: r.Credentials!.AccessKeyId!,
        secretAccessKey: r.Credentials!.SecretAccessKey!,
        sessionToken: r.Credentials!.SessionToken,
        expiration: r.Credentials!.Expiration,
      }))
      .catch(e => { throw awsError(e, `assume ${roleArn}`); });
    return assumed;
  };
  return { region, credentials: credentials as AwsSession['credentials'] };
}

/** Who the session's credentials are (STS GetCallerIdentity). */
export async function whoAmI(session: AwsSession): Promise<CallerIdentity> {
  try {
    const r = await new STSClient({ region: session.region, credentials: session.credentials }).send(new GetCallerIdentityCommand({}));
    return { account: r.Account!, arn: r.Arn! };
  } catch (e) {
    throw awsError(e, 'ask STS who the caller is');
  }
}

/** An SSM parameter's value in the session's account and the given region; undefined when there is none. */
export async function parameterValue(session: AwsSession, name: string, region = session.region): Promise<string | undefined> {
  try {
    const r = await new SSMClient({ region, credentials: session.credentials }).send(new GetParameterCommand({ Name: name }));
    return r.Parameter?.Value;
  } catch (e) {
    if ((e as Error).name === 'ParameterNotFound') {
      return undefined;
    }
    throw awsError(e, `read the SSM parameter ${name}`);
  }
}

/** One sentence for an AWS failure, with exit code 5; a CliError passes through. */
export function awsError(e: unknown, what: string): CliError {
  if (e instanceof CliError) {
    return e;
  }
  const error = e as Error & { $metadata?: { httpStatusCode?: number } };
  const name = error.name ?? 'Error';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(error.message)) {
    return new CliError(`no AWS credentials to ${what} with: sign in (aws sso login, a profile with --profile, or AWS_* variables) and run it again.`, ExitCode.AWS);
  }
  if (/ExpiredToken/.test(name)) {
    return new CliError(`the AWS credentials have expired, so could not ${what}: sign in again.`, ExitCode.AWS);
  }
  if (/AccessDenied|UnauthorizedOperation|InvalidClientTokenId|SignatureDoesNotMatch/.test(name) || error.$metadata?.httpStatusCode === 403) {
    return new CliError(`AWS refused to ${what} (${name}: ${error.message}); use credentials or a role (--role-arn) that may.`, ExitCode.AWS);
  }
  return new CliError(`could not ${what} (${name}: ${error.message}).`, ExitCode.AWS);
}
