import { runCli } from './tenant-cli';

// The installable @voxq/cli's `voxq` (tools/build-packages.mjs bundles it into one file): the
// tenant's commands over HTTP only. It reads no `.env`: from any folder it takes VOXQ_URL /
// VOXQ_API_KEY, the flags, or what `voxq config set` saved.
process.exitCode = await runCli(process.argv.slice(2), process.env);
