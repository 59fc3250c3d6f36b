import { EntityManager } from 'typeorm';
import { transactionOpenedWith, typedQuery } from '@cargohold/db';
import {
  computeDigest,
  findSizeMismatch,
  MAX_MANIFEST_BYTES,
  parseDigest,
  parseManifest,
  ParsedManifest,
  parseLookupReference,
  parseReference,
  referencedBlobs,
  referencedManifests,
  RegistryError,
  sizeMismatchError,
} from './domain';
import { BudgetedManifest, ManifestHead, StoredManifest } from './data/manifest.repository';
import { queueManifestReview } from './data/tag.repository';
import { queueBlobReview } from './data/blob.repository';
import { RegistryContext } from './registry-context';
import { ReferrerDescriptor, ReferrersPage, ReferrersPageRequest, REFERRERS_PAGE_PAYLOAD_BYTES, REFERRERS_PAGE_SIZE } from './referrers-page';
import { MANIFEST_DELETED_TAGS_LISTED, RegistryEventActor } from './events';
import { manifestDigestById, tagsOfManifest } from './data/event-facts';
import { StorageQuotaGuard } from './quota/storage-quota-guard';
import { TagDeletion } from './deleted-tags/tag-deletion';
import { ProtectionGuard } from './protection/protection-guard';
import { ProtectionError } from './protection/protection-error';
import { ProjectProtection } from './protection/protection-rules';

export interface PushedManifest {
  digest: string;
  subjectDigest?: string;
}

/** Manifest push, pull and delete by tag or digest. Payloads are stored and served byte for byte. */
export class ManifestService {
  private readonly quota: StorageQuotaGuard;
  private readonly protection: ProtectionGuard;

  constructor(private readonly ctx: RegistryContext) {
    this.quota = new StorageQuotaGuard(ctx);
    this.protection = new ProtectionGuard(ctx);
  }

  async get(repositoryPath: string, reference: string): Promise<StoredManifest> {
    return (await this.find(repositoryPath, reference, true)) as StoredManifest;
  }

  async head(repositoryPath: string, reference: string): Promise<ManifestHead> {
    return (await this.find(repositoryPath, reference, false)) as ManifestHead;
  }

  /**
   * `actor` (who pushed) is passed on to the event sink; authorization happened before. `accessLevel` is the level
   * protection rules compare (libs/iam protectionAccessLevel: 60 for administrators): the project's rules are read
   * inside the transaction, so a rule applies from the push that starts after its creation answered.
   */
  async put(
    repositoryPath: string,
    reference: string,
    payload: Buffer,
    contentType: string | undefined,
    actor?: RegistryEventActor,
    accessLevel = 0,
  ): Promise<PushedManifest> {
    if (payload.length > MAX_MANIFEST_BYTES) {
      throw new RegistryError('MANIFEST_TOO_LARGE', `manifest exceeds the ${MAX_MANIFEST_BYTES} byte limit`);
    }
    const ref = parseReference(reference);
    const manifest = parseManifest(payload, contentType);
    const digest = computeDigest(payload, ref.kind === 'digest' ? ref.digest.algorithm : 'sha256');
    if (ref.kind === 'digest' && ref.digest.value !== digest) {
      throw new RegistryError('DIGEST_INVALID', 'the manifest digest does not match the reference', { expected: ref.digest.value, actual: digest });
    }
    // The owning project (NAME_UNKNOWN without one) and, in the same statement, the storage limits: a manifest new
    // to the top-level namespace needs room for its payload, so a namespace at its limit takes no new image.
    const { project } = (await this.quota.admitOwned(repositoryPath, actor ?? ANONYMOUS, { kind: 'manifest', digest }, payload.length)).target;

    const size = totalSize(manifest, payload.length);
    const tag = ref.kind === 'tag' ? ref.tag : null;
    const refused = { projectId: project.id, repositoryPath, actor: actor ?? ANONYMOUS, digest, via: 'registry' as const };
    // The protection lock (shared) first, sent with the BEGIN; then in one statement the rules in force now, the
    // repository and the linked sizes of the referenced blobs. A refusal rolls back what the statement created.
    const opening = this.ctx.protectionRules.lockSharedSql(project.id);
    const recorded = await this.protection.reported(refused, () => transactionOpenedWith(this.ctx.db, opening, async (db) => {
      const blobDigests = referencedBlobs(manifest);
      const { rules, repository, blobSizes } = await this.ctx.manifestPushReads.read(db, project, repositoryPath, blobDigests);
      const protection = this.protection.judging(rules);
      const refusal = protection.judgePush(repositoryPath, tag, accessLevel, false);
      if (refusal) throw ProtectionError.refused(refusal);
      const missingBlobs = blobDigests.filter((blob) => !blobSizes.has(blob));
      if (missingBlobs.length > 0) throw new RegistryError('MANIFEST_BLOB_UNKNOWN', undefined, { digests: missingBlobs });
      const childDigests = referencedManifests(manifest);
      const children = await this.ctx.manifests.lockChildren(db, repository.id, childDigests);
      const missingChildren = childDigests.filter((child) => !children.has(child));
      if (missingChildren.length > 0) throw new RegistryError('MANIFEST_BLOB_UNKNOWN', undefined, { digests: missingChildren });
      // The sizes came with the locking statements above: no extra round trip.
      const mismatch = findSizeMismatch(manifest, blobSizes, new Map([...children].map(([child, found]) => [child, found.size])));
      if (mismatch) throw sizeMismatchError(mismatch);

      const manifestId = await this.ctx.manifests.insert(db, {
        repositoryId: repository.id,
        digest,
        mediaType: manifest.mediaType,
        artifactType: manifest.artifactType ?? null,
        subjectDigest: manifest.subject?.digest ?? null,
        configDigest: manifest.config?.digest ?? null,
        totalSize: size,
        payload,
        blobDigests,
        childIds: [...children.values()].map((child) => child.id),
      });
      const untagged = tag === null ? manifestId : await this.tagManifest(db, protection, repositoryPath, repository.id, tag, manifestId, accessLevel);
      // A manifest that lost its tag, or arrived without one, is reviewed by GC later; the review rechecks everything.
      if (untagged !== null) await queueManifestReview(db, [untagged], this.ctx.settings.gcReviewDelay, ref.kind === 'tag' ? 'tag_moved' : 'pushed_untagged');
      // The outbox: audit row and webhook deliveries commit with the tag, or not at all (one statement).
      return this.ctx.events.manifestPushed(db, {
        projectId: project.id,
        projectPath: project.fullPath,
        repositoryPath,
        tag: ref.kind === 'tag' ? ref.tag : null,
        digest,
        mediaType: manifest.mediaType,
        size,
        actor: actor ?? ANONYMOUS,
        occurredAt: new Date(),
      });
    }), asRegistryRefusal);
    // Before answering: caches (here at once, other replicas by message) forget the tag's old target.
    if (ref.kind === 'tag') await this.ctx.changes.repositoriesChanged([repositoryPath]);
    // After the commit: queue the deliveries (fails open; the requeuer picks up what is not queued).
    await this.ctx.events.publish(recorded);
    return { digest, subjectDigest: manifest.subject?.digest };
  }

  /**
   * DELETE by tag removes the tag; DELETE by digest removes the manifest and every tag pointing to it. Protection
   * rules are judged for the caller at `accessLevel` inside the transaction: a tag delete by its rules, a manifest
   * delete by the rules of every tag pointing at it (and the repository's).
   */
  async delete(repositoryPath: string, reference: string, actor?: RegistryEventActor, accessLevel = 0): Promise<void> {
    if (!this.ctx.settings.deleteEnabled) throw new RegistryError('UNSUPPORTED', 'deletes are disabled on this registry');
    const ref = parseLookupReference(reference);
    const occurred = (projectId: number) => ({ projectId, repositoryPath, actor: actor ?? ANONYMOUS, occurredAt: new Date() });
    const deletion: TagDeletion = { how: 'registry', actor: actor ?? ANONYMOUS };
    const repository = await this.ctx.repositories.findByPath(this.ctx.db.manager, repositoryPath);
    if (!repository) throw new RegistryError('NAME_UNKNOWN', undefined, { name: repositoryPath });
    const refused = { projectId: repository.projectId, repositoryPath, actor: actor ?? ANONYMOUS, digest: ref.kind === 'digest' ? ref.digest.value : null, via: 'registry' as const };
    const recorded = await this.protection.reported(refused, () => this.ctx.db.transaction(async (db) => {
      const protection = await this.protection.load(db, repository.projectId);
      if (ref.kind === 'tag') {
        const manifestId = await this.ctx.tags.delete(db, repository.id, ref.tag, deletion);
        if (manifestId === null) throw new RegistryError('MANIFEST_UNKNOWN', undefined, { tag: ref.tag });
        // Judged once the tag is known to exist (a missing tag stays a 404); a refusal rolls the delete back.
        const refusal = protection.judgeDelete(repositoryPath, ref.tag, accessLevel);
        if (refusal) throw ProtectionError.refused(refusal);
        await queueManifestReview(db, [manifestId], this.ctx.settings.gcReviewDelay, 'tag_deleted');
        const digest = await manifestDigestById(db, manifestId);
        return this.ctx.events.tagDeleted(db, { ...occurred(repository.projectId), tag: ref.tag, digest });
      }
      const existing = await this.ctx.manifests.findByDigest(db, repositoryPath, ref.digest.value, false);
      if (!existing) throw new RegistryError('MANIFEST_UNKNOWN', undefined, { digest: ref.digest.value });
      if (await this.ctx.manifests.isReferencedByIndex(db, existing.id)) {
        throw new RegistryError('MANIFEST_REFERENCED', 'the manifest is referenced by an index: delete the index first', { digest: ref.digest.value });
      }
      await this.judgeManifestDelete(db, protection, repositoryPath, existing.id, accessLevel);
      const tags = await tagsOfManifest(db, existing.id, MANIFEST_DELETED_TAGS_LISTED);
      // Blobs before the manifest, the lock order pushes and GC use; then drop the repository's links to blobs no
      // other manifest here uses, so GC can reclaim them (a link alone keeps a blob alive).
      const gc = this.ctx.gc;
      await gc.lockBlobs(db, await blobDigestsOfManifest(db, existing.id));
      const deleted = await this.ctx.manifests.delete(db, repository.id, ref.digest.value, deletion);
      for (const digest of deleted?.blobDigests ?? []) await gc.removeUnusedLink(db, repository.id, digest, 0);
      await queueBlobReview(db, deleted?.blobDigests ?? [], this.ctx.settings.gcReviewDelay, 'manifest_deleted');
      return this.ctx.events.manifestDeleted(db, { ...occurred(repository.projectId), digest: ref.digest.value, mediaType: existing.mediaType, tags: tags.names, tagsCount: tags.count });
    }), asRegistryRefusal);
    await this.ctx.changes.repositoriesChanged([repositoryPath]);
    await this.ctx.events.publish(recorded);
  }

  /**
   * Points `tag` at the manifest; returns the manifest it left (for GC review), if any. A tag an immutable rule
   * covers is created or left alone: pointing it elsewhere is refused, an identical re-push is a no-op.
   */
  private async tagManifest(
    db: EntityManager,
    protection: ProjectProtection,
    repositoryPath: string,
    repositoryId: number,
    tag: string,
    manifestId: number,
    accessLevel: number,
  ): Promise<number | null> {
    if (!protection.hasTagRules || !protection.forTag(repositoryPath, tag).immutable) return this.ctx.tags.upsert(db, repositoryId, tag, manifestId);
    const current = await this.ctx.tags.createOrKeep(db, repositoryId, tag, manifestId);
    const refusal = protection.judgePush(repositoryPath, tag, accessLevel, current !== manifestId);
    if (refusal) throw ProtectionError.refused(refusal);
    return null;
  }

  /** A delete by digest removes every tag pointing at the manifest: each must be deletable by the caller. */
  private async judgeManifestDelete(db: EntityManager, protection: ProjectProtection, repositoryPath: string, manifestId: number, accessLevel: number): Promise<void> {
    if (protection.isEmpty) return;
    const names = protection.hasTagRules ? await this.ctx.tags.namesOfManifest(db, manifestId) : [];
    for (const name of [null, ...names]) {
      const refusal = protection.judgeDelete(repositoryPath, name, accessLevel);
      if (refusal) throw ProtectionError.refused(refusal);
    }
  }

  /**
   * Manifests of a repository by digest for a read-only view, in one query: payloads are read in the given order
   * until `byteBudget` bytes are reached; the rest come back without payload. Digests not found are left out.
   */
  async findManyWithinBudget(repositoryPath: string, digests: string[], byteBudget: number): Promise<BudgetedManifest[]> {
    return this.ctx.manifests.findManyWithinBudget(this.ctx.db.manager, repositoryPath, digests, byteBudget);
  }

  /**
   * The referrers API, one page: the manifests whose subject is `digest`, in digest order after `last`, at most
   * REFERRERS_PAGE_SIZE of them and REFERRERS_PAGE_PAYLOAD_BYTES of their payloads, in one query.
   */
  async referrers(repositoryPath: string, digest: string, request: ReferrersPageRequest = {}): Promise<ReferrersPage> {
    const subject = parseDigest(digest).value;
    const after = request.last === undefined ? undefined : parseDigest(request.last).value;
    const limit = Math.min(request.n ?? REFERRERS_PAGE_SIZE, REFERRERS_PAGE_SIZE);
    if (limit === 0) return { descriptors: [] };
    const rows = await this.ctx.manifests.findReferrers(this.ctx.db.manager, repositoryPath, subject, {
      artifactType: request.artifactType,
      after,
      limit: limit + 1,
      payloadBudget: REFERRERS_PAGE_PAYLOAD_BYTES,
    });
    const listed = rows.slice(0, limit);
    const descriptors = listed.map((row) => {
      const descriptor: ReferrerDescriptor = { mediaType: row.mediaType, digest: row.digest, size: row.size };
      if (row.artifactType) descriptor.artifactType = row.artifactType;
      const annotations = readAnnotations(row.payload);
      if (annotations) descriptor.annotations = annotations;
      return descriptor;
    });
    // More exist when the query found one past the limit, or the byte budget cut rows it found.
    const more = rows.length > limit || (rows.length > 0 && rows[0].fetched > rows.length);
    return more ? { descriptors, next: listed[listed.length - 1].digest } : { descriptors };
  }

  private async find(repositoryPath: string, reference: string, withPayload: boolean): Promise<StoredManifest | ManifestHead> {
    const ref = parseLookupReference(reference);
    const cache = this.ctx.manifestCache;
    if (cache) {
      const hit = ref.kind === 'tag' ? cache.byTag(repositoryPath, ref.tag) : cache.byDigest(repositoryPath, ref.digest.value);
      if (hit) return withPayload ? hit : headOf(hit);
    }
    // With a cache, HEAD reads the payload too so the next GET is served from memory.
    const ticket = cache?.begin(repositoryPath);
    const found =
      ref.kind === 'tag'
        ? await this.ctx.manifests.findByTag(this.ctx.db.manager, repositoryPath, ref.tag, withPayload || cache !== undefined)
        : await this.ctx.manifests.findByDigest(this.ctx.db.manager, repositoryPath, ref.digest.value, withPayload || cache !== undefined);
    if (!found) throw new RegistryError('MANIFEST_UNKNOWN', undefined, ref.kind === 'tag' ? { tag: ref.tag } : { digest: ref.digest.value });
    if (cache && ticket !== undefined && 'payload' in found) {
      cache.set(repositoryPath, ref.kind === 'tag' ? ref.tag : null, found, ticket);
      if (!withPayload) return headOf(found);
    }
    return found;
  }
}

function headOf(manifest: StoredManifest): ManifestHead {
  return { id: manifest.id, digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.payload.length };
}

/** /v2/ answers a protection refusal with 403 DENIED and the rule's words. */
function asRegistryRefusal(error: Error): Error {
  return new RegistryError('PROTECTED', error.message);
}

const ANONYMOUS: RegistryEventActor = { kind: 'anonymous', id: null, name: null };

function totalSize(manifest: ParsedManifest, payloadLength: number): number {
  const parts = [manifest.config, ...manifest.layers, ...manifest.manifests];
  return parts.reduce((sum, descriptor) => sum + (descriptor?.size ?? 0), payloadLength);
}

function readAnnotations(payload: Buffer): Record<string, string> | undefined {
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as { annotations?: Record<string, string> };
    return parsed.annotations && Object.keys(parsed.annotations).length > 0 ? parsed.annotations : undefined;
  } catch {
    return undefined;
  }
}

async function blobDigestsOfManifest(db: EntityManager, manifestId: number): Promise<string[]> {
  const rows = await typedQuery<{ digest: string }>(db, `SELECT blob_digest AS digest FROM manifest_blobs WHERE manifest_id = $1 ORDER BY blob_digest`, [manifestId]);
  return rows.map((row) => row.digest);
}
