import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handler } from '../src/handlers/api';

/** An HTTP API (payload 2.0) event for a GET of `path`. */
function get(path: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `GET ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { http: { method: 'GET', path } },
  } as unknown as APIGatewayProxyEventV2;
}

test('the health route answers ok', async () => {
  const res = await handler(get('/health'));
  expect(res.statusCode).toBe(200);
  expect(JSON.parse(res.body!)).toEqual({ status: 'ok' });
});

test('other routes are greeted by the app', async () => {
  const res = await handler(get('/orders'));
  expect(res.statusCode).toBe(200);
  expect(JSON.parse(res.body!)).toEqual({ app: '{{appName}}', path: '/orders', method: 'GET' });
});
