// Builds one app and runs it with the given arguments: `node tools/run-app.mjs cli keys list`.
import { spawnSync } from 'node:child_process';
import { nodeArgsOf } from './lib/app-node-args.mjs';

const [name, ...args] = process.argv.slice(2);
const build = spawnSync(process.execPath, ['tools/build-app.mjs', name], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(process.execPath, ['--enable-source-maps', ...nodeArgsOf(name), `dist/apps/${name}/main.js`, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
