// Moved to @shikaku/platform/request-logger, which every app's Fastify uses; kept for app.ts.
export { lazyChildLogger } from '@shikaku/platform/request-logger';
