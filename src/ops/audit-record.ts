import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { CliError, ExitCode } from '../common/user-errors';
import { EnvironmentDescriptor } from '../contract/descriptor';

/** What `harmonix audit record` writes: one deployment (or other action) of an app. */
export interface AuditEntry {
  readonly app: string;
  readonly action: string;
  readonly result: string;
  readonly version?: string;
  readonly details?: Record<string, string>;
}

/** What the audit writer answers for a record it added. */
export interface AuditReceipt {
  readonly subject: string;
  readonly timestamp: string;
  readonly actor: string;
}

/** AWS credentials, or a provider of them, as the SigV4 signer takes them. */
export type SigningCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export const AUDIT_RESULTS = ['STARTED', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

/** The audit writer's URL; its form (HTTPS, or plain HTTP to loopback) is checked by the descriptor reader. */
function writerUrl(descriptor: EnvironmentDescriptor): URL {
  if (!descriptor.auditWriterUrl) {
    throw new CliError(`environment ${descriptor.name} has no audit writer URL in its descriptor (schema 1.0); deploy the environment with a current harmonix-cdk and read its descriptor again.`, ExitCode.INPUT);
  }
  return new URL(descriptor.auditWriterUrl);
}

/**
 * Adds one audit record through the environment's audit writer: a POST signed with SigV4 (service
 * `lambda`, the environment's region) by the caller's credentials, whose identity becomes the
 * record's actor. Throws a CliError with the writer's own message when it refuses.
 */
export async function recordAudit(
  descriptor: EnvironmentDescriptor,
  entry: AuditEntry,
  credentials: SigningCredentials,
  timeoutMs = 15_000,
): Promise<AuditReceipt> {
  if (!AUDIT_RESULTS.includes(entry.result)) {
    throw new CliError(`--result must be one of ${AUDIT_RESULTS.join(', ')}, not ${entry.result}.`, ExitCode.USAGE);
  }
  const url = writerUrl(descriptor);
  const body = JSON.stringify({
    subject: `app/${entry.app}`,
    action: entry.action,
    result: entry.result,
    version: entry.version,
    details: entry.details && Object.keys(entry.details).length > 0 ? entry.details : undefined,
  });
  const signer = new SignatureV4({ service: 'lambda', region: descriptor.region, credentials, sha256: Hash.bind(null, 'sha256') });
  let signed;
  try {
    signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      headers: { 'host': url.host, 'content-type': 'application/json' },
      body,
    });
  } catch (e) {
    throw new CliError(`no AWS credentials to sign the audit record with (${(e as Error).message}); run it where the environment's provisioning role is assumed.`, ExitCode.AWS);
  }
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new CliError(`the audit writer of environment ${descriptor.name} could not be reached at ${url.origin} (${(e as Error).message}).`, ExitCode.AWS);
  }
  const text = await response.text();
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(text);
  } catch {
    answer = { message: text.slice(0, 200) };
  }
  if (response.status !== 201) {
    const why = response.status === 403
      ? 'the caller may not invoke it (assume the environment\'s provisioning or operations role first)'
      : String(answer.message ?? answer.Message ?? 'no reason given');
    throw new CliError(`the audit writer of environment ${descriptor.name} refused the record (HTTP ${response.status}): ${why}`, ExitCode.AWS);
  }
  return answer as unknown as AuditReceipt;
}
