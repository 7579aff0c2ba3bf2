'use strict';
/**
 * The audit writer of a harmonix-cdk environment: the only principal that writes to the audit
 * table. Callers (the environment's provisioning and operations roles) reach it through its
 * IAM-authenticated function URL; the record's actor is taken from the caller's signature, never
 * from the request, and a record is only ever added: its key is made here and the write is
 * refused if the key exists.
 *
 * POST {"subject": "app/orders", "action": "deploy", "result": "SUCCEEDED", "version": "1.4.2", "details": {...}}
 */
const crypto = require('crypto');

const RESULTS = ['STARTED', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
const LIMITS = { subject: 256, action: 128, version: 128 };
const MAX_DETAILS = 4096;

class RequestError extends Error {
  constructor(statusCode, message) {
    super(message);
    this.statusCode = statusCode;
  }
}

function text(body, key, max, required) {
  const value = body[key];
  if (value === undefined && !required) {
    return undefined;
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new RequestError(400, `\`${key}\` must be a string of 1 to ${max} characters.`);
  }
  return value;
}

/** The audit record for a function URL request, or a RequestError saying what is wrong with it. */
function buildRecord(event, now, id, retentionDays) {
  const iam = event && event.requestContext && event.requestContext.authorizer && event.requestContext.authorizer.iam;
  if (!iam || typeof iam.userArn !== 'string' || iam.userArn.length === 0) {
    throw new RequestError(403, 'The audit writer accepts only IAM-signed requests through its function URL.');
  }
  if (event.requestContext.http && event.requestContext.http.method !== 'POST') {
    throw new RequestError(405, 'Send audit records with POST.');
  }
  let body;
  try {
    const raw = event.isBase64Encoded ? Buffer.from(event.body || '', 'base64').toString('utf8') : (event.body || '');
    body = JSON.parse(raw);
  } catch (e) {
    throw new RequestError(400, 'The body must be a JSON object.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestError(400, 'The body must be a JSON object.');
  }
  for (const stamped of ['actor', 'actorId', 'timestamp', 'account']) {
    if (stamped in body) {
      throw new RequestError(400, `\`${stamped}\` is set by the audit writer from the request's signature and clock; leave it out.`);
    }
  }
  const result = text(body, 'result', 16, true);
  if (!RESULTS.includes(result)) {
    throw new RequestError(400, `\`result\` must be one of ${RESULTS.join(', ')}.`);
  }
  const details = body.details === undefined ? undefined : JSON.stringify(body.details);
  if (details !== undefined && details.length > MAX_DETAILS) {
    throw new RequestError(400, `\`details\` must be at most ${MAX_DETAILS} characters of JSON.`);
  }
  const record = {
    subject: text(body, 'subject', LIMITS.subject, true),
    timestamp: `${now.toISOString()}#${id}`,
    actor: iam.userArn,
    actorId: iam.userId,
    account: iam.accountId,
    action: text(body, 'action', LIMITS.action, true),
    result,
    version: text(body, 'version', LIMITS.version, false),
    details,
    sourceIp: event.requestContext.http && event.requestContext.http.sourceIp,
  };
  if (retentionDays > 0) {
    record.expiresAt = Math.floor(now.getTime() / 1000) + retentionDays * 86400;
  }
  return record;
}

/** The record as DynamoDB attribute values (strings and one number), absent fields left out. */
function toItem(record) {
  const item = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined || value === null) continue;
    item[key] = typeof value === 'number' ? { N: String(value) } : { S: String(value) };
  }
  return item;
}

function respond(statusCode, payload) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) };
}

/** Writes one record; `client` is a DynamoDB client of the AWS SDK for JavaScript v3. */
async function writeRecord(event, client, sdk, env, now = new Date(), id = crypto.randomUUID()) {
  let record;
  try {
    record = buildRecord(event, now, id, Number(env.RETENTION_DAYS || 0));
  } catch (e) {
    if (e instanceof RequestError) return respond(e.statusCode, { message: e.message });
    throw e;
  }
  try {
    await client.send(new sdk.PutItemCommand({
      TableName: env.TABLE_NAME,
      Item: toItem(record),
      ConditionExpression: 'attribute_not_exists(#subject) AND attribute_not_exists(#timestamp)',
      ExpressionAttributeNames: { '#subject': 'subject', '#timestamp': 'timestamp' },
    }));
  } catch (e) {
    if (e && e.name === 'ConditionalCheckFailedException') {
      return respond(409, { message: 'A record with this key exists already; records are never replaced.' });
    }
    throw e;
  }
  return respond(201, { subject: record.subject, timestamp: record.timestamp, actor: record.actor });
}

let defaultClient;
async function handler(event) {
  // The Lambda Node.js runtime ships the AWS SDK for JavaScript v3.
  const sdk = require('@aws-sdk/client-dynamodb');
  defaultClient = defaultClient || new sdk.DynamoDBClient({});
  return writeRecord(event, defaultClient, sdk, process.env);
}

module.exports = { handler, writeRecord, buildRecord };
