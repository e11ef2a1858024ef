// A migration's SQL file imported as its text (`import sql from './migrations/0001-history-tables.sql'`),
// as the stores' `.lua` scripts are (see libs/redis-keys/src/lua-module.d.ts): esbuild loads it
// with `loader: { '.sql': 'text' }` (tools/build-app.mjs), vitest with the text plugin in vitest.config.ts.
declare module '*.sql' {
  const text: string;
  export default text;
}
