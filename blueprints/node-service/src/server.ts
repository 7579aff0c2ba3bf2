import { createServer, IncomingMessage, Server, ServerResponse } from 'http';

/** Answers the load balancer's health check, and a greeting on every other path. */
export function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/health' || path.endsWith('/health')) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ app: '{{appName}}', path }));
}

/** Starts the server on `port` (the PORT variable in the container). */
export function start(port = Number(process.env.PORT ?? '{{containerPort}}')): Server {
  return createServer(handle).listen(port);
}

if (require.main === module) {
  const server = start();
  // ECS stops a task with SIGTERM: finish the requests in flight, then exit.
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
