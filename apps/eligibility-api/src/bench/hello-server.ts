// The baseline of the benchmark: a bare Fastify hello-world on the same machine, same Node.
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 8202);
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ host: '127.0.0.1', port });
process.send?.('ready');
