/**
 * The import rules of src/, checked by `npm test` (issue 16). The layout: core/ (config, log,
 * i18n, store, text) under everything; channels/ (the platforms); bot/ (the conversation's
 * plumbing); features/<name>/ (each feature's logic, chat.ts and web/ pages, used from outside
 * through its index.ts and web/index.ts); content/ (the content files); cli/ (the commands);
 * app.ts (the one composition root).
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
      comment: 'The core serves every feature and knows none.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(features|bot|content|channels|http)/' },
    },
    {
      name: 'content-imports-no-feature',
      comment: "content/ reads and checks the content files (with the channels' text splitting); the features use it, not the other way round.",
      severity: 'error',
      from: { path: '^src/content/' },
      to: { path: '^src/(features|bot|cli)/' },
    },
    {
      name: 'channels-import-no-feature',
      comment: 'The channels speak the platforms; what the bot says and stores lives in the features.',
      severity: 'error',
      from: { path: '^src/channels/' },
      to: { path: '^src/(features|bot|content)/' },
    },
    {
      name: 'features-use-the-channels-contract-only',
      comment: "A feature or the bot knows a channel through channel.ts (and its text helpers), never a platform's own modules.",
      severity: 'error',
      from: { path: '^src/(features|bot)/' },
      to: { path: '^src/channels/', pathNot: ['^src/channels/(channel|text)\\.ts$'] },
    },
    {
      name: 'a-slice-through-its-public-index',
      comment: "Another slice, the bot, the CLI and the app use a feature through its index.ts (its dashboard pages through web/index.ts): what a slice keeps inside can change without touching them.",
      severity: 'error',
      from: { path: '^src/features/([^/]+)/' },
      to: { path: '^src/features/', pathNot: ['^src/features/$1/', '^src/features/[^/]+/(web/)?index\\.ts$'] },
    },
    {
      name: 'outside-the-slices-through-their-public-index',
      comment: 'The same rule for what lies outside features/.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/features/' },
      to: { path: '^src/features/', pathNot: '^src/features/[^/]+/(web/)?index\\.ts$' },
    },
    {
      name: 'web-only-from-the-app',
      comment: "A feature's web/ pages are registered by the app (through the dashboard's routes in features/admin/web); no logic or chat imports a page.",
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/app\\.ts$', '^src/features/[^/]+/web/'] },
      to: { path: '^src/features/[^/]+/web/' },
    },
    {
      name: 'no-orphans',
      comment: 'Every module is used by something (a worker thread\'s entry point is started by path).',
      severity: 'error',
      from: { orphan: true, pathNot: ['^src/bin/', '\\.d\\.ts$', '^src/generated/', '^src/core/store/migrate-worker\\.ts$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(src/generated|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
