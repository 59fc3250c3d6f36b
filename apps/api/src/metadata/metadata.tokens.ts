/** Injection token of the BuildInfo read at start. */
export const BUILD_INFO = Symbol('BUILD_INFO');
