import { SigningKeyRing } from '@cargohold/iam';
import { checkKnownOptions, CliUsageError, optionalOption } from '../cli-args';
import { CliCommand } from '../cli-command';

/** Seconds past a token's lifetime before a superseded key may go: clocks and in-flight requests. */
const RETIRE_MARGIN_SECONDS = 60;

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * `keys:rotate [--retire-after SECONDS]`: adds a registry signing key (it signs once each api re-reads the
 * folder, within 30 s) and removes keys superseded long enough ago that no token they signed is alive:
 * by default REGISTRY_TOKEN_TTL plus a minute. `--retire-after 0` after a leak: every key but the previous
 * one (which other replicas may still sign with for up to 30 s) goes now. Prints one JSON line.
 */
export const keysRotateCommand: CliCommand = {
  name: 'keys:rotate',
  usage: 'keys:rotate [--retire-after SECONDS]',
  description: 'add a new registry token signing key and remove keys no live token can need (JSON)',
  async run(args, ctx) {
    checkKnownOptions(args, ['retire-after']);
    const raw = optionalOption(args, 'retire-after');
    const retireAfter = raw === undefined ? ctx.config.registryTokenTtl + RETIRE_MARGIN_SECONDS : Number(raw);
    if (!Number.isSafeInteger(retireAfter) || retireAfter < 0) throw new CliUsageError('--retire-after takes a whole number of seconds');
    const ring = SigningKeyRing.inDataDir(ctx.config.dataDir);
    ring.init();
    const { current, retired } = ring.rotate(retireAfter * 1000);
    ctx.print(JSON.stringify({ signing: { kid: current.kid, createdAt: iso(current.createdAt) }, retired, keys: ring.list().length }));
  },
};

/** `keys:list`: one JSON line per registry signing key, oldest first; the last one signs. */
export const keysListCommand: CliCommand = {
  name: 'keys:list',
  usage: 'keys:list',
  description: 'list the registry token signing keys (JSON lines, oldest first; the last one signs)',
  async run(args, ctx) {
    checkKnownOptions(args, []);
    const ring = SigningKeyRing.inDataDir(ctx.config.dataDir);
    ring.init();
    for (const key of ring.list()) ctx.print(JSON.stringify({ kid: key.kid, createdAt: iso(key.createdAt), supersededAt: iso(key.supersededAt) }));
  },
};
