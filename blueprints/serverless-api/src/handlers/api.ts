import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The {{appName}} API: a health route and a greeting, behind the environment's HTTP API. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const path = event.rawPath ?? '/';
  if (path === '/health') {
    return json(200, { status: 'ok' });
  }
  return json(200, { app: '{{appName}}', path, method: event.requestContext?.http?.method });
}

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
