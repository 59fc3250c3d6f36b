import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces the part of `file` between the `begin` and `end` markers with `section` (which carries the markers), or
 * appends it: each bench owns its marked part of docs/performance.md and leaves the rest as written by hand.
 */
export function writeDocSection(file: string, begin: string, end: string, section: string): void {
  let doc = '';
  try {
    doc = readFileSync(file, 'utf8');
  } catch {
    doc = '# Performance\n';
  }
  const at = doc.indexOf(begin);
  doc = at >= 0 ? doc.slice(0, at) + section + doc.slice(doc.indexOf(end) + end.length) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, doc);
}
