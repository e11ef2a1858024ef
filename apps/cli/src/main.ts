import { ConfigError, loadConfig } from '@voxq/config';
import { keysCommand } from './keys.command';

const [command, ...rest] = process.argv.slice(2);
try {
  const config = loadConfig();
  if (command === 'keys') {
    process.exitCode = await keysCommand(config, rest);
  } else {
    console.error('Usage: voxq keys <create|list|revoke> ...');
    process.exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Error: ${(error as Error).message}`);
  process.exitCode = 1;
}
