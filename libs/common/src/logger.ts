import pino, { Logger } from 'pino';
import { prettyDestination } from './pretty-log-destination';

export type { Logger } from 'pino';

/**
 * Header and field names whose values are secrets. pino replaces them with "[redacted]"
 * wherever they appear, so a token can never reach a log line by accident.
 */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["private-token"]',
  'req.headers["job-token"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  'token',
  '*.password',
  '*.token',
];

export function createLogger(options: { level: string; format: 'json' | 'pretty'; component: string }): Logger {
  const settings = {
    level: options.level,
    base: { component: options.component },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  // Pretty lines are formatted in the process (no worker thread): meant for a person at a terminal, not for load.
  return options.format === 'pretty' ? pino(settings, prettyDestination()) : pino(settings);
}
