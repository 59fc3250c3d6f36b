import { RE2JS } from 're2js';

/** Patterns longer than this are refused outright: a tag name is at most 128 characters. */
export const MAX_TAG_REGEX_LENGTH = 1024;

export class InvalidTagRegexError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidTagRegexError';
  }
}

/**
 * An RE2 pattern over tag names that must match the WHOLE name, as GitLab anchors it. RE2 (re2js) runs
 * in time linear in the input, so a hostile pattern like `(a+)+$` cannot stall the api or the worker.
 */
export class TagNameRegex {
  private constructor(
    readonly source: string,
    private readonly re: RE2JS,
  ) {}

  /** Throws InvalidTagRegexError with RE2's explanation when the pattern is not valid RE2 syntax. */
  static compile(source: string): TagNameRegex {
    if (source.length > MAX_TAG_REGEX_LENGTH) throw new InvalidTagRegexError(`pattern is longer than ${MAX_TAG_REGEX_LENGTH} characters`);
    try {
      return new TagNameRegex(source, RE2JS.compile(source));
    } catch (error) {
      throw new InvalidTagRegexError((error as Error).message);
    }
  }

  matches(name: string): boolean {
    return this.re.testExact(name);
  }
}
