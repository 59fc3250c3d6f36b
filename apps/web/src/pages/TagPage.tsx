import { useState } from 'react';
import { ApiError, isMissingEndpoint } from '../api/client';
import { deleteTag, getRepository, getTag, getTagManifest } from '../api/registry';
import { AccessLevel, Descriptor, Referrer, TagManifest } from '../api/types';
import { ConfirmPanel } from '../components/ConfirmPanel';
import { CopyField } from '../components/CopyButton';
import { Breadcrumbs } from '../components/Layout';
import { ErrorState, InlineError, Loading } from '../components/States';
import { formatBytes, formatDate, projectHref, shortDigest } from '../components/format';
import { useAsync } from '../components/useAsync';
import { navigate } from '../router';
import { useProject } from './ProjectLayout';
import { ProtectionBadge } from './ProtectionBadge';
import { deleteRefusal } from './tag-list';
import { lastPulled } from './TagTable';

/** One tag: digest, size, date, pull command, platforms of an index, layers and referrers. */
export function TagPage({ repositoryId, tag }: { repositoryId: string; tag: string }) {
  const { project, accessLevel, canWrite } = useProject();
  const state = useAsync(async () => {
    const [repository, details] = await Promise.all([getRepository(repositoryId).catch(() => null), getTag(project.id, repositoryId, tag)]);
    const manifest = await getTagManifest(project.id, repositoryId, tag).catch((error: unknown) => {
      if (isMissingEndpoint(error) || (error instanceof ApiError && error.status >= 500)) return null;
      throw error;
    });
    return { repository, details, manifest };
  }, [project.id, repositoryId, tag]);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);

  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading label="Loading tag…" />;
  const { repository, details, manifest } = state.data;
  const repoHref = projectHref(project.id, 'registry', repositoryId);
  const canDelete = canWrite && (manifest?.can_delete ?? accessLevel >= AccessLevel.DEVELOPER);
  // A protection rule the caller does not pass: the button stays, disabled, with the reason.
  const refusal = deleteRefusal({ name: tag, protection: details.protection }, accessLevel);
  const pull = manifest?.pull_command ?? `docker pull ${details.location}`;

  const remove = async () => {
    setBusy(true);
    try {
      await deleteTag(project.id, repositoryId, tag);
      navigate(repoHref);
    } catch (error) {
      setDeleteError(error);
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <>
      <Breadcrumbs
        items={[
          { label: 'Container registry', href: projectHref(project.id, 'registry') },
          { label: repository?.path ?? 'image', href: repoHref },
          { label: tag },
        ]}
      />
      <div className="section-head">
        <h2>
          {repository?.path ?? 'image'}:<span data-testid="tag-name">{tag}</span>
          <ProtectionBadge row={details} />
        </h2>
        {(canDelete || (refusal !== null && canWrite && accessLevel >= AccessLevel.DEVELOPER)) && (
          <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={refusal !== null} title={refusal ?? undefined} data-testid="delete-tag">
            Delete tag
          </button>
        )}
      </div>
      <InlineError error={deleteError} />
      {confirming && <ConfirmPanel title={`Delete tag ${tag}?`} busy={busy} onConfirm={remove} onCancel={() => setConfirming(false)} />}
      <dl className="facts">
        <dt>Digest</dt>
        <dd>
          <CopyField value={details.digest} label="digest" testId="tag-digest" />
        </dd>
        <dt>Total size</dt>
        <dd>{formatBytes(details.total_size ?? manifest?.total_size)}</dd>
        <dt>Created</dt>
        <dd>{formatDate(details.created_at)}</dd>
        {details.pull_count !== undefined && (
          <>
            <dt>Last pulled</dt>
            <dd data-testid="tag-last-pulled">{lastPulled(details)}</dd>
            <dt>Pulls</dt>
            <dd data-testid="tag-pull-count">
              {details.pull_count}
              {details.manifest_pull_count !== undefined && details.manifest_pull_count !== details.pull_count && (
                <span className="sub"> (its manifest, by any name or digest: {details.manifest_pull_count})</span>
              )}
            </dd>
          </>
        )}
        {manifest && (
          <>
            <dt>Media type</dt>
            <dd className="mono">{manifest.media_type}</dd>
          </>
        )}
        <dt>Pull</dt>
        <dd>
          <CopyField value={pull} label="pull command" testId="pull-command" />
        </dd>
        {manifest && (
          <>
            <dt>Pull by digest</dt>
            <dd>
              <CopyField value={`docker pull ${manifest.pull_by_digest}`} label="pull by digest command" />
            </dd>
          </>
        )}
      </dl>
      {manifest ? <ManifestSections manifest={manifest} /> : <p className="notice">Manifest details (layers, platforms, referrers) are not available from this server.</p>}
    </>
  );
}

function ManifestSections({ manifest }: { manifest: TagManifest }) {
  return (
    <>
      {manifest.truncated && (
        <p className="notice" data-testid="truncated">
          This manifest is too large to show in full: some platforms, layers or referrers are left out
          {manifest.limits ? ` (at most ${manifest.limits.children} platforms and ${manifest.limits.descriptors} layers are shown)` : ''}.
        </p>
      )}
      {manifest.platforms.length > 0 && (
        <section aria-labelledby="platforms-title">
          <h3 id="platforms-title">Platforms ({manifest.platforms.length})</h3>
          <table className="list" aria-labelledby="platforms-title" data-testid="platforms">
            <thead>
              <tr>
                <th scope="col">Platform</th>
                <th scope="col">Digest</th>
                <th scope="col">Layers</th>
                <th scope="col">Size</th>
              </tr>
            </thead>
            <tbody>
              {manifest.platforms.map((entry) => (
                <tr key={entry.digest}>
                  <td>{entry.platform ? [entry.platform.os, entry.platform.architecture, entry.platform.variant].filter(Boolean).join('/') : entry.artifact_type ?? 'unknown'}</td>
                  <td className="mono" title={entry.digest}>
                    {shortDigest(entry.digest)}
                  </td>
                  <td>{entry.loaded === false ? '…' : (entry.layers_count ?? entry.layers.length)}</td>
                  <td>{formatBytes(entry.total_size ?? entry.size + (entry.config?.size ?? 0) + entry.layers.reduce((sum, l) => sum + l.size, 0))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {manifest.layers.length > 0 && (
        <DescriptorTable
          id="layers"
          title={`Layers (${manifest.layers_count !== undefined && manifest.layers_count > manifest.layers.length ? `first ${manifest.layers.length} of ${manifest.layers_count}` : manifest.layers.length})`}
          rows={manifest.layers}
        />
      )}
      {manifest.config && <DescriptorTable id="config" title="Configuration" rows={[manifest.config]} />}
      <section aria-labelledby="referrers-title">
        <h3 id="referrers-title">Referrers: signatures, SBOMs, attestations</h3>
        {manifest.referrers.length === 0 ? (
          <p className="sub">Nothing refers to this manifest.</p>
        ) : (
          <DescriptorTable id="referrers" title="" rows={manifest.referrers} showType />
        )}
      </section>
      <details className="raw">
        <summary>Manifest JSON</summary>
        <pre>{JSON.stringify(manifest.raw, null, 2)}</pre>
      </details>
    </>
  );
}

function DescriptorTable({ id, title, rows, showType }: { id: string; title: string; rows: Array<Descriptor | Referrer>; showType?: boolean }) {
  return (
    <section aria-labelledby={title ? `${id}-title` : undefined}>
      {title && <h3 id={`${id}-title`}>{title}</h3>}
      <table className="list" data-testid={id} aria-label={title || id}>
        <thead>
          <tr>
            {showType && <th scope="col">Type</th>}
            <th scope="col">Digest</th>
            <th scope="col">Media type</th>
            <th scope="col">Size</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, position) => (
            // A manifest may name one digest several times: the position keeps keys unique.
            <tr key={`${position}:${row.digest}`}>
              {showType && <td>{describeArtifact(row)}</td>}
              <td className="mono" title={row.digest}>
                {shortDigest(row.digest)}
              </td>
              <td className="mono small">{row.media_type}</td>
              <td>{formatBytes(row.size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function describeArtifact(row: Descriptor | Referrer): string {
  const type = row.artifact_type ?? '';
  if (/sigstore|cosign|signature|notary/i.test(type)) return `Signature (${type})`;
  if (/spdx|cyclonedx|sbom/i.test(type)) return `SBOM (${type})`;
  if (/in-toto|attestation|provenance/i.test(type)) return `Attestation (${type})`;
  return type || 'Artifact';
}
