/** GitLab's access levels. The numbers are part of the REST API. */
export const AccessLevel = {
  NO_ACCESS: 0,
  GUEST: 10,
  REPORTER: 20,
  DEVELOPER: 30,
  MAINTAINER: 40,
  OWNER: 50,
} as const;

export type AccessLevelValue = (typeof AccessLevel)[keyof typeof AccessLevel];

/** Levels a membership may hold (NO_ACCESS is only ever computed, never stored). */
export const MEMBER_ACCESS_LEVELS = [10, 20, 30, 40, 50] as const;

export function isMemberAccessLevel(value: number): boolean {
  return (MEMBER_ACCESS_LEVELS as readonly number[]).includes(value);
}

const NAMES: Record<number, string> = { 0: 'No access', 10: 'Guest', 20: 'Reporter', 30: 'Developer', 40: 'Maintainer', 50: 'Owner' };

export function accessLevelName(level: number): string {
  return NAMES[level] ?? String(level);
}
