import { BuildInfo } from './build-info';

export function presentVersion(build: BuildInfo) {
  return { version: build.version, revision: build.revision };
}

/** GitLab's metadata: there is no agent server for Kubernetes (KAS) here, and this is not GitLab's Enterprise Edition. */
export function presentMetadata(build: BuildInfo) {
  return {
    version: build.version,
    revision: build.revision,
    kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null },
    enterprise: false,
  };
}
