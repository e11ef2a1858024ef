import { z } from 'zod';

/** A Redis Cluster seed node. */
export interface RedisNode {
  host: string;
  port: number;
}

/** How to reach a Redis Cluster: seed nodes (ioredis finds the rest) and the credentials every node takes. */
export interface RedisClusterSettings {
  nodes: RedisNode[];
  username?: string;
  password?: string;
  /** `rediss://` entries: TLS to every node. */
  tls: boolean;
}

const HOST_PORT = /^([\w.-]+|\[[\da-f:]+\]):(\d{1,5})$/i;

/**
 * `REDIS_CLUSTER_NODES`: `host:port,host:port,…`, or `redis://[user:password@]host:port`
 * (`rediss://` for TLS) entries; credentials given on any entry apply to every node, as a
 * cluster's nodes share them.
 */
export const redisClusterNodes = z
  .string()
  .optional()
  .transform((value, ctx): RedisClusterSettings | null => {
    const entries = (value ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    if (entries.length === 0) return null;
    const settings: RedisClusterSettings = { nodes: [], tls: false };
    for (const entry of entries) {
      let hostPort = entry;
      if (entry.includes('://')) {
        let url: URL;
        try {
          url = new URL(entry);
        } catch {
          ctx.addIssue({ code: 'custom', message: 'an entry is not a valid redis:// URL' });
          return z.NEVER;
        }
        if (!/^rediss?:$/.test(url.protocol)) {
          ctx.addIssue({ code: 'custom', message: `entries are host:port or redis:// URLs (got ${url.protocol})` });
          return z.NEVER;
        }
        settings.tls ||= url.protocol === 'rediss:';
        if (url.username) settings.username = decodeURIComponent(url.username);
        if (url.password) settings.password = decodeURIComponent(url.password);
        hostPort = url.host;
      }
      const match = HOST_PORT.exec(hostPort);
      const port = Number(match?.[2]);
      if (!match || port < 1 || port > 65535) {
        // The entry itself is not echoed: it may carry a password.
        ctx.addIssue({ code: 'custom', message: 'each entry is host:port (or a redis:// URL with a port)' });
        return z.NEVER;
      }
      settings.nodes.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
    }
    return settings;
  });

/** True when a key prefix holds a hash tag (`{…}` with something inside), so all its keys share a slot. */
export const hasHashTag = (prefix: string) => /\{[^{}]+\}/.test(prefix);
