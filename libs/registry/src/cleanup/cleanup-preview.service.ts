import { ManagementError } from '../management/management-error';
import { BulkDeleteRules } from '../management/bulk-delete-rules';
import { TagCandidate, TagQueryRepository } from '../management/tag-query.repository';
import { RegistryContext } from '../registry-context';
import { compileRetentionRules, judgeRetention, RetentionReason } from '../retention/retention-rules';
import { ProtectionGuard } from '../protection/protection-guard';
import { CleanupPolicyService, EffectivePolicy, policyRetentionRules } from './cleanup-policy.service';

/**
 * The most tags one preview judges. The whole repository is judged in memory, as a run does (keep_n orders all
 * candidates), so a request's memory is bounded by refusing larger repositories (about 40 MB at the limit).
 */
export const PREVIEW_MAX_TAGS = 200_000;

/** Every tag's verdict under a policy without name_regex: no name matches, nothing is deleted. */
const NO_POLICY: readonly RetentionReason[] = Object.freeze(['name_regex_delete']);

/**
 * Why a previewed tag stays: a retention rule, or a tag protection rule a run obeys (`protected`: a rule restricts
 * deleting it, which a run, judging at level 0, never passes; `immutable`).
 */
export type PreviewReason = RetentionReason | 'protected' | 'immutable';

export interface PreviewedTag extends TagCandidate {
  /** The rules that keep it; empty: a run now would delete it. */
  keptBy: readonly PreviewReason[];
}

export interface CleanupPreviewRequest {
  repository: { id: number; projectId: number; path: string };
  /** Validated bulk delete rules to try; absent: the cleanup policy in force for the repository. */
  rules?: BulkDeleteRules;
  /** Only the tags a run would delete, or only those it would keep. */
  action?: 'delete' | 'keep';
  limit: number;
  offset: number;
}

export interface CleanupPreview {
  source: 'parameters' | EffectivePolicy['source'];
  /** The rules judged; null when the policy in force has no name_regex (it deletes nothing). */
  rules: BulkDeleteRules | null;
  judgedAt: Date;
  tagsCount: number;
  deleteCount: number;
  /** One page of tags in name order, filtered by `action`, and how many there are in all. */
  items: PreviewedTag[];
  total: number;
}

/**
 * A dry run of the retention rules over a repository: every tag with the rules that keep it, judged now by the
 * same code a cleanup run or bulk delete uses (judgeRetention), and nothing deleted.
 */
export class CleanupPreviewService {
  private readonly tags = new TagQueryRepository();
  private readonly protection: ProtectionGuard;

  constructor(
    private readonly ctx: RegistryContext,
    private readonly policies: CleanupPolicyService,
  ) {
    this.protection = new ProtectionGuard(ctx);
  }

  async preview(request: CleanupPreviewRequest, now = new Date()): Promise<CleanupPreview> {
    const { repository } = request;
    const effective = request.rules ? null : await this.policies.effectiveForRepository(repository.id, repository.projectId);
    const rules = request.rules ?? policyRetentionRules(effective!.rules);
    const db = this.ctx.db.manager;
    const count = await this.tags.count(db, repository.id);
    if (count > PREVIEW_MAX_TAGS) {
      throw ManagementError.badRequest(`the repository has ${count} tags; a cleanup preview judges at most ${PREVIEW_MAX_TAGS}`);
    }
    const candidates = await this.tags.candidates(db, repository.id);
    // Protection as a run reads it (at level 0: any rule restricting deletion keeps the tag), in one snapshot.
    const protection = await this.ctx.db.transaction((tx) => this.protection.load(tx, repository.projectId));
    const guarded = (tag: TagCandidate, keptBy: readonly RetentionReason[]): readonly PreviewReason[] => {
      const refusal = protection.isEmpty ? null : protection.judgeDelete(repository.path, tag.name, 0);
      return refusal ? [...keptBy, refusal.reason] : keptBy;
    };
    // The rows were read for this request: the verdicts are written onto them rather than copied.
    const judged: PreviewedTag[] = rules
      ? judgeRetention(candidates, compileRetentionRules(rules), now).map(({ tag, keptBy }) => Object.assign(tag, { keptBy: guarded(tag, keptBy) }))
      : candidates.map((tag) => Object.assign(tag, { keptBy: guarded(tag, NO_POLICY) }));
    const deleteCount = judged.filter((tag) => tag.keptBy.length === 0).length;
    const listed = request.action === undefined ? judged : judged.filter((tag) => (tag.keptBy.length === 0) === (request.action === 'delete'));
    listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return {
      source: effective ? effective.source : 'parameters',
      rules,
      judgedAt: now,
      tagsCount: judged.length,
      deleteCount,
      items: listed.slice(request.offset, request.offset + request.limit),
      total: listed.length,
    };
  }
}
