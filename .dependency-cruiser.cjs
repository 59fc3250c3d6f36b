// dependency-cruiser: the layering between packages (docs/architecture.md, "Linting and layering rules").
// Workspace imports (@cargohold/x) resolve to the sources through tsconfig.lint.json's paths, so a cycle or a wrong
// direction through a lib's public face is seen, not hidden behind its dist/.
const TEST_FILE = '\\.(spec|int-spec|e2e-spec|soak-spec|spec-helper|suite)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, inside a package or between packages: a cycle means two modules are one responsibility split in two, or a missing seam.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'libs-not-to-apps',
      severity: 'error',
      comment: 'Dependencies point one way, apps → libs: a lib (or migrations, or the benchmark) never imports an app.',
      from: { path: '^(libs|migrations|bench)/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-not-to-other-apps',
      severity: 'error',
      comment: 'An app does not reach into another app: what two apps share belongs in a lib.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'migrations-stand-alone',
      severity: 'error',
      comment: 'A migration is frozen SQL: it must not change when a lib changes, so it imports no workspace code.',
      from: { path: '^migrations/' },
      to: { path: '^(libs|apps)/' },
    },
    {
      name: 'product-not-to-test-code',
      severity: 'error',
      comment: 'Shipped code imports no test helpers (libs/testing, specs, suites): they are not built for production.',
      from: { path: '^(apps|libs)/[^/]+/src/', pathNot: ['^libs/testing/', TEST_FILE] },
      to: { path: ['^libs/testing/', '^test/', TEST_FILE] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing: a missing dependency or a typo.',
      from: { pathNot: '^test/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-unresolvable-in-tests',
      severity: 'error',
      comment:
        'The same in test/, except the typeorm types that an e2e spec names for the typeorm it loads from libs/db at run ' +
        '(test/e2e/iam-registry-permissions.e2e-spec.ts: the root package has no typeorm of its own).',
      from: { path: '^test/' },
      to: { couldNotResolve: true, pathNot: '^typeorm$' },
    },
    {
      name: 'no-undeclared-dependency',
      severity: 'error',
      comment: "A package used but not in the importing package's package.json works only by hoisting luck.",
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '(^|/)node_modules/', '(^|/)\\.turbo/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.lint.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
