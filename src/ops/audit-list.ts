import { AttributeValue, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { OperationsSession } from './session';
import { awsError } from '../common/aws-session';
import { CliError, ExitCode } from '../common/user-errors';
import { isAppName } from '../common/validation';

/** One record of an environment's audit table, as the audit writer stored it. */
export interface AuditRecord {
  readonly subject: string;
  /** When: ISO-8601 time (the writer's clock). */
  readonly time: string;
  /** Who: the principal that signed the request (a role session, with the user in its name). */
  readonly actor: string;
  readonly action: string;
  readonly result: string;
  readonly version?: string;
  readonly details?: Record<string, string>;
}

/** The most records one listing returns. */
export const MAX_AUDIT_RECORDS = 1000;

/** The app's audit records in the session's environment, newest first (at most `limit`). */
export async function listAuditRecords(s: OperationsSession, app: string, limit = 50): Promise<AuditRecord[]> {
  if (!isAppName(app)) {
    throw new CliError(`"${app}" is not an app name: 1 to 40 lower-case letters, digits and single hyphens, starting with a letter.`, ExitCode.USAGE);
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_RECORDS) {
    throw new CliError(`the limit ${limit} is not a number of records from 1 to ${MAX_AUDIT_RECORDS}.`, ExitCode.USAGE);
  }
  const client = new DynamoDBClient({ region: s.aws.region, credentials: s.aws.credentials });
  const records: AuditRecord[] = [];
  let start: Record<string, AttributeValue> | undefined;
  try {
    do {
      const page = await client.send(new QueryCommand({
        TableName: s.descriptor.auditTableName,
        KeyConditionExpression: '#subject = :subject',
        ExpressionAttributeNames: { '#subject': 'subject' },
        ExpressionAttributeValues: { ':subject': { S: `app/${app}` } },
        ScanIndexForward: false,
        Limit: limit - records.length,
        ExclusiveStartKey: start,
      }));
      records.push(...(page.Items ?? []).map(toRecord));
      start = page.LastEvaluatedKey;
    } while (start && records.length < limit);
  } catch (e) {
    throw awsError(e, `read the audit records of app ${app} in environment ${s.descriptor.name}`);
  }
  return records;
}

function toRecord(item: Record<string, AttributeValue>): AuditRecord {
  const text = (key: string) => item[key]?.S;
  let details: Record<string, string> | undefined;
  try {
    details = text('details') ? JSON.parse(text('details')!) : undefined;
  } catch {
    details = { text: text('details')! };
  }
  return {
    subject: text('subject')!,
    time: text('timestamp')!.split('#')[0],
    actor: text('actor') ?? 'unknown',
    action: text('action') ?? 'unknown',
    result: text('result') ?? 'unknown',
    version: text('version'),
    details,
  };
}
