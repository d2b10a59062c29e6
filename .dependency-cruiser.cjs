/** Architecture boundaries (DESIGN.md decisions 1, 3, 6; STYLE.md 12). */
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
      comment: 'events/ (schemas, store port, adapters, projections) knows nothing of handlers or the server.',
      severity: 'error',
      from: { path: '^events/' },
      to: { path: ['^functions/', '^application/', '^server/', '^cdk/', '^cli/', 'node_modules/pkcs11js'] },
    },
    {
      name: 'pkcs11-only-in-crypto-adapter',
      severity: 'error',
      from: { pathNot: '^functions/crypto/pkcs11/' },
      to: { path: 'node_modules/pkcs11js' },
    },
    {
      name: 'application-not-on-edges',
      comment: 'application/ (use cases) is called by handlers; it never imports them or the server.',
      severity: 'error',
      from: { path: '^application/' },
      to: { path: ['^functions/api/', '^server/', '^cdk/', '^cli/'] },
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
    exclude: { path: '(^node_modules|^cdk\\.out)' },
  },
};
