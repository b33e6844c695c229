/**
 * The import rules of src/, checked by `npm test` (issue 16). They grow as the code moves into
 * feature folders over a small core; each rule here holds today.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A module never imports itself back through others: the layers stay readable.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-no-feature',
      comment: 'The core (text handling today; config, store and the rest as they move in) serves every feature and knows none.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(conversation|faq|reports|delivery|subscriptions|groups|admin|content|channels)/' },
    },
    {
      name: 'channels-import-no-feature',
      comment: 'The channels speak the platforms; what the bot says and stores lives in the features.',
      severity: 'error',
      from: { path: '^src/channels/' },
      to: { path: '^src/(conversation|faq|reports|delivery|subscriptions|groups|admin|content)/' },
    },
    {
      name: 'pages-only-from-the-app',
      comment: "The dashboard's route modules are registered by app.ts only.",
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/app\\.ts$', '^src/admin/'] },
      to: { path: '^src/admin/(routes|pages|html|[a-z-]+-pages?|audit-page)\\.ts$' },
    },
    {
      name: 'no-orphans',
      comment: 'Every module is used by something.',
      severity: 'error',
      from: { orphan: true, pathNot: ['^src/bin/', '\\.d\\.ts$', '^src/generated/'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
