import { AddressInfo } from 'net';
import { Server } from 'http';
import { start } from '../src/server';

let server: Server;
let base: string;

beforeAll(() => {
  server = start(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

test('the health endpoint answers ok', async () => {
  const res = await fetch(`${base}/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok' });
});

test('other paths are greeted by the app', async () => {
  const res = await fetch(`${base}/{{appName}}/orders?page=2`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ app: '{{appName}}', path: '/{{appName}}/orders' });
});
