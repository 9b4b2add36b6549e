// The classic app from "SIGTERM isn't sent to the application process": it finishes its requests on SIGTERM.
import { createServer } from 'node:http';

const server = createServer((req, res) => res.end('ok\n')).listen(Number(process.env.PORT ?? 3000), () => {
  console.log(`app: listening on ${server.address().port}`);
});
process.on('SIGTERM', () => {
  console.log('app: SIGTERM received, graceful shutdown');
  server.close(() => process.exit(0));
});
