// Health check of the worker image: exit 0 when Redis (REDIS_URL) answers PING, else 1.
// The worker serves no HTTP and can do nothing without Redis (BullMQ), so this is its liveness signal.
// ioredis is the worker's own dependency, so every REDIS_URL form it accepts (auth, TLS, db) works here.
'use strict';
const path = require('node:path');
const Redis = require(require.resolve('ioredis', { paths: [path.join(__dirname, '..', 'apps', 'worker')] }));

const url = process.env.REDIS_URL;
if (!url) {
  console.error('REDIS_URL is not set');
  process.exit(1);
}
setTimeout(() => process.exit(1), 4500).unref();
const client = new Redis(url, { lazyConnect: true, connectTimeout: 4000, maxRetriesPerRequest: 0, retryStrategy: () => null });
client.on('error', () => undefined); // reported once below, not as an "unhandled error event"
client
  .connect()
  .then(() => client.ping())
  .then(
    (reply) => process.exit(reply === 'PONG' ? 0 : 1),
    (error) => {
      console.error(`redis unreachable: ${error.message}`);
      process.exit(1);
    },
  );
