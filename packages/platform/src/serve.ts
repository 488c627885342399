import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

/**
 * Listens and closes the app on SIGINT/SIGTERM or a fatal error, in that pairing. Used by each
 * app's server.ts; `buildApp` itself never listens.
 */
export async function serve(
  app: FastifyInstance,
  options: { host: string; port: number; onClose?: () => Promise<void> },
): Promise<string> {
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err }, 'shutting down after error');
    await app.close();
    await options.onClose?.();
  });
  return app.listen({ host: options.host, port: options.port });
}
