import { BaseImage, createProject, pushBase, timeNewManifestPuts } from './quota';
import { BenchContext } from './scenarios';
import { Target } from './targets';

const CONCURRENCY = 16;
const PUTS = 400;

/**
 * GitLab's limit: five tag rules, the worst a project can ask of a push. One covers every pushed tag (`^r`, push at
 * Maintainer: the administrator passes), one is immutable, three match nothing; with a repository rule too, so both
 * tables are read and every pattern is tried.
 */
const TAG_RULES = [
  { tag_name_pattern: '^r', minimum_access_level_for_push: 'maintainer' },
  { tag_name_pattern: '^v[0-9]+\\.[0-9]+\\.[0-9]+$' },
  { tag_name_pattern: '^release-', minimum_access_level_for_push: 'owner', minimum_access_level_for_delete: 'owner' },
  { tag_name_pattern: '^latest$', minimum_access_level_for_push: 'maintainer' },
  { tag_name_pattern: '-rc[0-9]+$', minimum_access_level_for_delete: 'owner' },
];

/**
 * Manifest PUT rate with five protection rules against none (issue 19: within 10 %). Each PUT stores a new manifest
 * under a new tag, so every push pays the protection lock (shared) and the rules lookup in its transaction and the
 * matching. 16 concurrent pushers, one project each way, alternated within each run.
 */
export async function protectionManifestPuts(ctx: BenchContext): Promise<void> {
  const { results, options } = ctx;
  const target = ctx.ours;
  results.define('protection.none', `manifest PUT of new tags, ${CONCURRENCY} concurrent, no protection rules (${PUTS} PUTs)`, 'req/s');
  results.define('protection.rules', `manifest PUT of new tags, ${CONCURRENCY} concurrent, 5 tag rules + 1 repository rule (${PUTS} PUTs)`, 'req/s');
  const token = target.creds!.split(':')[1];
  const plain = await createProject(target, token, 'unprotected-bench', 0);
  const ruled = await createProject(target, token, 'protected-bench', 0);
  await addRules(target, token, ruled);
  const images = new Map<string, BaseImage>();
  for (const name of [plain, ruled]) images.set(name, await pushBase(target, `${name}/app`));
  for (let run = 0; run < options.runs; run++) {
    for (const [name, key] of [[plain, 'protection.none'], [ruled, 'protection.rules']] as const) {
      results.add(key, 'cargohold', await timeNewManifestPuts(target, `${name}/app`, images.get(name)!, run, PUTS, CONCURRENCY));
    }
  }
  for (const key of ['protection.none', 'protection.rules']) {
    const figure = results.figures.get(key)!;
    ctx.log(`${figure.label}: ${results.value(key, 'cargohold')!.toFixed(1)} ${figure.unit}`);
  }
}

async function addRules(target: Target, token: string, projectPath: string): Promise<void> {
  const headers = { 'PRIVATE-TOKEN': token, 'Content-Type': 'application/json' };
  const base = `${target.url}/api/v4/projects/${encodeURIComponent(projectPath)}/registry/protection`;
  const rules = [
    ...TAG_RULES.map((body) => ({ url: `${base}/tag/rules`, body })),
    { url: `${base}/repository/rules`, body: { repository_path_pattern: `${projectPath}/prod/*`, minimum_access_level_for_push: 'maintainer' } },
  ];
  for (const rule of rules) {
    const created = await fetch(rule.url, { method: 'POST', headers, body: JSON.stringify(rule.body) });
    if (created.status !== 201) throw new Error(`creating a protection rule: ${created.status} ${await created.text()}`);
  }
}
