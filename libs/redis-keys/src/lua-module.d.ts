// A Lua script file imported as its text (`import lua from './scripts/job-create.lua'`).
// esbuild loads it with `loader: { '.lua': 'text' }` (tools/build-app.mjs), vitest with the
// `luaText` plugin in vitest.config.ts. This declaration is global: tsconfig.json includes
// every `libs/**/*.ts`, so any lib's store may import its `.lua` files.
declare module '*.lua' {
  const text: string;
  export default text;
}
