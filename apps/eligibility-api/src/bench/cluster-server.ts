// Runs `instances` copies of server.js sharing one port (node:cluster), as a deployment would run
// one process per core. Used by the benchmark; each copy reads the same environment.
import cluster from 'node:cluster';

const instances = Number(process.argv[2] ?? 1);
if (cluster.isPrimary) {
  let ready = 0;
  for (let i = 0; i < instances; i++) {
    const worker = cluster.fork();
    worker.on('listening', () => {
      ready += 1;
      if (ready === instances) process.send?.('ready');
    });
  }
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  await import('../server.js');
}
