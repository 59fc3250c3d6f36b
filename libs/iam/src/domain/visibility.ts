export const VISIBILITIES = ['private', 'internal', 'public'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

const RANK: Record<Visibility, number> = { private: 0, internal: 10, public: 20 };

/** GitLab forbids a project or subgroup more visible than the group that contains it. */
export function isMoreVisible(a: Visibility, b: Visibility): boolean {
  return RANK[a] > RANK[b];
}
