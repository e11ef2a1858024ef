import type { Logger } from '@voxq/logging';
import type { ObjectStore } from '@voxq/storage';
import type { DropIntake } from './drop-intake';
import type { DropRuleStore } from './drop-rule-store';
import type { DropRule } from './drop-rule.schema';

export interface DropPollerOptions {
  rules: DropRuleStore;
  intake: DropIntake;
  objects: ObjectStore;
  logger: Logger;
  /** Pause between the end of one pass and the start of the next (`DROP_POLL_INTERVAL_MS`). */
  intervalMs: number;
  /**
   * Objects considered at once.
   * @defaultValue 16
   */
  concurrency?: number;
}

/**
 * Discovery for stores that send no events: every `intervalMs`, lists each rule's prefix and
 * hands every object to the intake, whose claims make repeats (this pass, a restarted poller,
 * an event for the same object) skip. Objects this process already settled are remembered, so
 * a steady prefix costs one listing per pass and no Redis round trips.
 */
export class DropPoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly settled = new Set<string>();

  constructor(private readonly options: DropPollerOptions) {}

  start(): this {
    this.schedule(0);
    return this;
  }

  /** One pass over every rule (also what tests call to poll now). */
  async poll(): Promise<void> {
    const rules = await this.options.rules.all();
    for (const rule of rules) {
      if (this.closed) return;
      await this.pollRule(rule).catch((err: unknown) => this.options.logger.error({ err, ruleId: rule.id }, 'drop poll failed'));
    }
  }

  /** Stops polling; a pass in progress finishes its current objects first. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number) {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.poll()
        .catch((err: unknown) => this.options.logger.error({ err }, 'drop poll failed'))
        .finally(() => {
          this.running = null;
          this.schedule(this.options.intervalMs);
        });
    }, delayMs);
  }

  private async pollRule(rule: DropRule) {
    const { objects, intake } = this.options;
    let token: string | undefined;
    do {
      const page = await objects.list({ bucket: rule.bucket, prefix: rule.prefix }, token);
      token = page.next;
      const fresh = page.objects.filter((o) => !this.settled.has(`${rule.id}\0${o.key}\0${o.etag ?? ''}`));
      await eachLimited(fresh, this.options.concurrency ?? 16, async (object) => {
        if (this.closed) return;
        const outcome = await intake.consider(rule, { bucket: rule.bucket, key: object.key, size: object.size, ...(object.etag ? { etag: object.etag } : {}) });
        // One in progress elsewhere is looked at again: its claim may go stale and need a retry.
        if (outcome === 'in_progress') return;
        if (this.settled.size >= 100_000) this.settled.clear();
        this.settled.add(`${rule.id}\0${object.key}\0${object.etag ?? ''}`);
      });
    } while (token && !this.closed);
  }
}

async function eachLimited<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await run(item).catch((error: unknown) => errors.push(error));
    }
  });
  await Promise.all(lanes);
  if (errors.length > 0) throw errors[0];
}
