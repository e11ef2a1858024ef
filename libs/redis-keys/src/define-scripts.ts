import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-client';

/** A Lua script (a `.lua` file's text) and how many of its arguments are keys. */
export interface LuaScript {
  lua: string;
  /** How many leading arguments are KEYS. Unset: each call passes the count as its first argument. */
  keys?: number;
}

/** The custom commands a store runs, by name: `{ voxqJobCreate(...args): Promise<number> }`. */
export type ScriptCommands<C> = { [K in keyof C]: (...args: never[]) => Promise<unknown> };

/** A pipeline that can queue the custom commands `C` as well (ioredis defines them on pipelines too). */
export type ScriptPipeline<C extends ScriptCommands<C>> = ChainableCommander & {
  [K in keyof C]: (...args: Parameters<C[K]>) => ChainableCommander;
};

/**
 * The Lua text each command name was defined with, kept on the connection itself: BullMQ
 * hands out its client wrapped in a Proxy (`await queue.client`), so the same connection
 * reaches stores as two objects, and a WeakMap keyed by either would miss the other.
 * `Symbol.for`, so two copies of this module (two bundles in one process) agree too.
 */
const DEFINED = Symbol.for('voxq.redis-scripts');
type Registry = { [DEFINED]?: Map<string, string> };

/**
 * Registers Lua scripts as custom commands of a connection, once per connection: ioredis
 * then runs each with EVALSHA and sends the script's text only when the server lacks it.
 * Stores call this in their constructors; a second store on the same connection finds its
 * commands defined. Returns the connection typed with the commands.
 *
 * A name defined on a connection with another script, or one that is already an ioredis
 * method, throws: two stores must never silently share a command name.
 */
export function defineScripts<C extends ScriptCommands<C>>(redis: RedisClient, scripts: { [K in keyof C]: LuaScript }): RedisClient & C {
  const registry = redis as RedisClient & Registry;
  const known = (registry[DEFINED] ??= new Map<string, string>());
  for (const [name, { lua, keys }] of Object.entries<LuaScript>(scripts)) {
    const existing = known.get(name);
    if (existing === lua) continue;
    if (existing !== undefined) throw new Error(`Redis command ${name} is already defined on this connection with another script.`);
    if (name in redis) throw new Error(`Redis command ${name} would replace an ioredis method or command.`);
    redis.defineCommand(name, keys === undefined ? { lua } : { numberOfKeys: keys, lua });
    // ioredis' auto-pipelining groups a custom command by its first argument, taken as its
    // key: with a key count passed per call that is the count, so on a Redis Cluster the
    // command would join the pipeline of whatever node owns the slot of "3" and the pipeline
    // fail ("All keys in the pipeline should belong to the same slots allocation group").
    // Such commands are sent on their own, routed by their real keys. (On one Redis they could
    // join the pipeline; measured, that made a synchronous call slower, 1.4 → 1.7-2.0 ms p50
    // at one connection, and no faster at sixteen: an automatic pipeline waits for the one
    // before it to be answered, so a lone call waits on whatever else is in flight.)
    //
    // And a command defined while an automatic pipeline is open (commands queued on a connection
    // that still waits on an earlier pipeline, as while it connects) would join that pipeline,
    // made before the command existed and lacking it ("pipeline[functionName] is not a
    // function"): such a command is sent on its own on this connection too.
    if (keys === undefined || redis.autoPipelineQueueSize > 0) {
      redis.options.autoPipeliningIgnoredCommands = [...(redis.options.autoPipeliningIgnoredCommands ?? []), name];
    }
    known.set(name, lua);
  }
  return redis as RedisClient & C;
}
