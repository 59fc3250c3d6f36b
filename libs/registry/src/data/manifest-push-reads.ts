import { EntityManager } from 'typeorm';
import { prepared, queryOne } from '@cargohold/db';
import { ProjectRules, ProtectionRuleRow, rulesFromRows, RULES_OF_PROJECT_SQL } from '../protection/protection-rule.repository';
import { lockLinkedSizesSql } from './blob.repository';
import { ENSURE_REPOSITORY_CTES, ImageRepositoryRow, repositoryFromJson, repositoryNameIn } from './image-repository.repository';

/**
 * What a manifest PUT reads once its transaction holds the project's protection lock, in ONE round trip instead
 * of three: the project's protection rules, the repository (created on its first push, share-locked as
 * ENSURE_REPOSITORY_CTES says) and the sizes of the referenced blobs the repository links, share-locked
 * in digest order against GC as BlobRepository.lockLinkedSizes does. A repository created by this statement links
 * nothing yet, so its sizes are empty, as they would be read after it. $1 project, $2 path, $3 name, $4 digests.
 */
const PUSH_READS = prepared(
  'manifest_push_reads',
  `WITH rules AS (${RULES_OF_PROJECT_SQL}),
        ${ENSURE_REPOSITORY_CTES},
        sizes AS (${lockLinkedSizesSql('(SELECT id FROM repository)', '$4::text[]')})
   SELECT (SELECT row_to_json(repository) FROM repository) AS repository,
          COALESCE((SELECT json_agg(rules) FROM rules), '[]'::json) AS rules,
          COALESCE((SELECT json_agg(sizes) FROM sizes), '[]'::json) AS sizes`,
);

export interface ManifestPushReads {
  rules: ProjectRules;
  repository: ImageRepositoryRow;
  /** Size of each referenced blob the repository links (the others are missing). */
  blobSizes: Map<string, number>;
}

export class ManifestPushReadRepository {
  /** The caller's transaction must hold the project's protection lock (ProtectionRuleRepository.lockShared). */
  async read(db: EntityManager, project: { id: number; fullPath: string }, path: string, blobDigests: string[]): Promise<ManifestPushReads> {
    const name = repositoryNameIn(project.fullPath, path);
    for (;;) {
      const row = await queryOne<{ repository: ImageRepositoryRow | null; rules: ProtectionRuleRow[]; sizes: { digest: string; size: number }[] }>(
        db,
        PUSH_READS,
        [project.id, path, name, blobDigests],
      );
      // No repository: a concurrent first push created it after this statement's snapshot; the next one sees it.
      if (!row?.repository) continue;
      return { rules: rulesFromRows(project.id, row.rules), repository: repositoryFromJson(row.repository), blobSizes: new Map(row.sizes.map((b) => [b.digest, Number(b.size)])) };
    }
  }
}
