/**
 * The import rules of DESIGN.md ("Dependency rules"), checked on every `npm test`.
 * A wrong import between packages or apps fails the build here.
 */
module.exports = {
  forbidden: [
    {
      name: 'hl7-core-is-pure',
      comment: 'hl7-core imports nothing of ours and no I/O module.',
      severity: 'error',
      from: { path: '^packages/hl7-core/src', pathNot: '\\.test\\.ts$' },
      to: {
        pathNot: '^packages/hl7-core/',
        path: '^(packages|apps)/|^(node:)?(fs|net|http|https|http2|child_process|dgram|dns|tls|worker_threads|cluster)(/|$)',
      },
    },
    {
      name: 'hl7-core-no-io-builtins',
      severity: 'error',
      from: { path: '^packages/hl7-core/src', pathNot: '\\.test\\.ts$' },
      to: {
        dependencyTypes: ['core'],
        path: '^(fs|net|http|https|http2|child_process|dgram|dns|tls|worker_threads|cluster)',
      },
    },
    {
      name: 'platform-not-apps',
      comment: 'platform may import hl7-core, never an app or the hosts.',
      severity: 'error',
      from: { path: '^packages/platform/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(apps/|packages/(cli|local-host|servicebus-local)/)' },
    },
    {
      name: 'apps-not-each-other',
      comment: 'Apps talk through the bus and storage only.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'apps-only-core-and-platform',
      comment: 'Apps run on Azure; the local host and broker are for their tests only.',
      severity: 'error',
      from: { path: '^apps/', pathNot: '(\\.test\\.ts$|/test-support/)' },
      to: { path: '^packages/(cli|local-host|servicebus-local)/' },
    },
    {
      name: 'servicebus-local-stands-alone',
      severity: 'error',
      from: { path: '^packages/servicebus-local/' },
      to: { path: '^(apps|packages)/', pathNot: '^packages/servicebus-local/' },
    },
    {
      name: 'cli-no-apps',
      severity: 'error',
      from: { path: '^packages/cli/' },
      to: { path: '^(apps/|packages/(local-host|servicebus-local)/)' },
    },
    {
      name: 'tests-not-app-src',
      comment:
        'Cross-app tests reach apps as the host loads them (dist/functions.js), never by import.',
      severity: 'error',
      from: { path: '^tests/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that resolves nowhere hides a dependency from these rules.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      comment:
        'A cycle closed only by type imports loads fine and is allowed; a runtime cycle is not.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    // Workspace packages resolve to their built dist/ through node_modules links; stop there.
    doNotFollow: { path: '(^|/)(node_modules|dist)/' },
    exclude: { path: '^packages/[^/]+/dist/.*\\.map$' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    preserveSymlinks: false,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
    },
  },
};
