/** Architecture boundaries (docs/architecture.md, "Layers"). */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ performs no I/O: no AWS SDK, pkcs11js, SQLite, node I/O or outer layers.',
      severity: 'error',
      from: { path: '^domain/' },
      to: {
        path: [
          '^functions/',
          '^events/',
          '^application/',
          '^server/',
          '^cdk/',
          '^cli/',
          'node_modules/(@aws-sdk|aws-cdk-lib|pkcs11js|better-sqlite3|@middy|@aws-lambda-powertools)',
          '^(node:)?(fs|net|http|https|crypto|child_process|dgram|os)$',
        ],
      },
    },
    {
      name: 'events-below-functions',
      comment:
        'events/ (schemas, store, read-model and audit adapters, projections) implements application/ports/ and knows nothing else above it.',
      severity: 'error',
      from: { path: '^events/' },
      to: {
        path: ['^functions/', '^application/', '^server/', '^cdk/', '^cli/', 'node_modules/pkcs11js'],
        pathNot: '^application/ports/',
      },
    },
    {
      name: 'pkcs11-only-in-crypto-adapter',
      severity: 'error',
      from: { pathNot: '^functions/crypto/pkcs11/' },
      to: { path: 'node_modules/pkcs11js' },
    },
    {
      name: 'application-below-the-edge',
      comment:
        'application/ (use cases and the ports they own) is called by handlers and the server; it imports none of them. Adapters implement its ports.',
      severity: 'error',
      from: { path: '^application/' },
      to: { path: ['^functions/', '^server/', '^cdk/', '^cli/'] },
    },
    {
      name: 'ports-are-contracts',
      comment: 'application/ports/ holds plain interfaces and typed errors: no vendor types, no adapters.',
      severity: 'error',
      from: { path: '^application/ports/' },
      to: {
        path: ['^events/', 'node_modules/(@aws-sdk|aws-cdk-lib|pkcs11js|better-sqlite3|@middy|@aws-lambda-powertools)'],
      },
    },
    {
      name: 'one-logger',
      comment:
        'Every handler logs through functions/shared/logger.ts, which applies KEYLEDGER_LOG_LEVEL and keeps secrets out of logs.',
      severity: 'error',
      from: { pathNot: '^functions/shared/logger\\.ts$' },
      to: { path: 'node_modules/@aws-lambda-powertools/logger' },
    },
    {
      name: 'declared-packages-only',
      comment:
        'Every package imported (tests and tools included) is declared in package.json, not reached through another package.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'console-stands-alone',
      comment:
        'console/ is the browser app: it talks to the service over HTTP only and imports no server-side layer (only console/src/site.ts, its serving rules, is imported by the server and the stack).',
      severity: 'error',
      from: { path: '^console/' },
      to: { path: ['^domain/', '^events/', '^application/', '^functions/', '^server/', '^cdk/', '^cli/'] },
    },
    {
      name: 'no-test-code-in-product',
      severity: 'error',
      from: { pathNot: '^(test|bench)/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^cdk\\.out' },
  },
};
