// voxq's Redis key builder (`libs/redis-keys`), for the tools that read voxq's keys
// themselves (the chaos verdict, the bench's progress polls): a key spelt by hand would
// drift from the apps'.
import { importLibs } from './import-libs.mjs';

/** `redisKeys(prefix)`: every key and channel voxq uses under an installation's REDIS_PREFIX. */
export const { redisKeys } = await importLibs('redis-keys', "export { redisKeys } from '@voxq/redis-keys';");
