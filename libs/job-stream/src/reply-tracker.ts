import type { StreamDelta, ToolProgress } from '@voxq/contracts';
import { compareStreamIds, type StreamItem } from './stream-follower';

/** What a relay shows its client, read off the stream. */
export type ReplyEvent =
  /** A new reply begins (the first one, or the next hop of a tool loop). */
  (
    | {
        type: 'reply';
        id: string;
        hop: number;
        provider: string;
        model: string;
        /** Providers that failed before this one in its hop and in the whole job (absent from older writers). */
        failoverCount?: number;
        totalFailoverCount?: number;
        scoresRunId?: string;
      }
    | { type: 'delta'; id: string; delta: StreamDelta }
    /**
     * The pieces shown so far are void: the provider making them failed after sending some
     * (the job fails over or retries), or the job started its reply over (a retried attempt).
     */
    | { type: 'reset'; id: string; code: string; message: string; provider: string }
    /** A server-side tool call started or answered (tool-loop progress; not part of any reply's text). */
    | { type: 'tool'; id: string; call: ToolProgress }
    /** What the service says before a hop's tools run (`preToolSpeech`): text of no reply. */
    | { type: 'lead'; id: string; hop: number; text: string }
  ) & {
    /** At or before the resuming client's `Last-Event-ID`: it has this event already. */
    replayed: boolean;
  };

/** Reply names are `<attempt>.<hop>.<try>`. */
export const replyName = (attempt: number, hop: number, attemptTry: number) => `${attempt}.${hop}.${attemptTry}`;
const hopOfReply = (r: string) => Number(r.split('.')[1] ?? 0);

interface Current {
  r: string;
  hop: number;
  provider: string;
  /** A piece of it has been shown. */
  shown: boolean;
  ended: boolean;
}

/**
 * Turns a job's stream entries into what a client may be shown, so that it never sees two
 * providers' text run together:
 * - a failover before the first piece leaves nothing to see (the failed call wrote nothing);
 * - a reply cut off after pieces were shown, or superseded by a new reply for the same or an
 *   earlier hop (the next provider, a retried attempt), is a `reset`;
 * - a new reply for a later hop after the last one ended is the tool loop going on.
 * Pieces of a reply already cut when the reader first sees them (a late reader replaying
 * the stream) are skipped, as no one saw them.
 */
export class ReplyTracker {
  /**
   * @param resumeAfter a reconnecting client's `Last-Event-ID`: the stream is read from its
   * start (to know where the reply stands), and the events up to it come marked `replayed`.
   */
  constructor(private readonly resumeAfter?: string) {}

  private current: Current | null = null;
  private lastEnded: Current | null = null;
  /** A piece was shown since the last reset. */
  private shownSinceReset = false;
  /** The reply the result is from, once the worker says so. */
  private final: string | null = null;

  read(items: readonly StreamItem[]): ReplyEvent[] {
    const cutHere = new Set(items.flatMap(({ entry }) => (entry.k === 'cut' ? [entry.r] : [])));
    const events: ReplyEvent[] = [];
    for (const { id, entry } of items) {
      const replayed = this.resumeAfter !== undefined && compareStreamIds(id, this.resumeAfter) <= 0;
      const r = 'r' in entry ? entry.r : undefined;
      const mine = r !== undefined && this.current?.r === r;
      const unseen = r !== undefined && cutHere.has(r) && !(mine && this.current?.shown);
      switch (entry.k) {
        case 'start': {
          if (unseen) break;
          const previous = this.current ?? this.lastEnded;
          if (previous?.shown && (!previous.ended || entry.hop <= previous.hop)) {
            events.push({
              type: 'reset',
              id,
              replayed,
              code: 'stream_restarted',
              message: 'The reply started over (the job was retried).',
              provider: previous.provider,
            });
            this.shownSinceReset = false;
          }
          this.current = { r: entry.r, hop: entry.hop, provider: entry.provider, shown: false, ended: false };
          events.push({
            type: 'reply',
            id,
            replayed,
            hop: entry.hop,
            provider: entry.provider,
            model: entry.model,
            ...(entry.fc === undefined ? {} : { failoverCount: entry.fc }),
            ...(entry.tfc === undefined ? {} : { totalFailoverCount: entry.tfc }),
            ...(entry.run === undefined ? {} : { scoresRunId: entry.run }),
          });
          break;
        }
        case 'delta':
          if (!mine || unseen) break;
          this.current!.shown = true;
          this.shownSinceReset = true;
          events.push({ type: 'delta', id, replayed, delta: entry });
          break;
        case 'end':
          if (!mine) break;
          this.current!.ended = true;
          this.lastEnded = this.current;
          this.current = null;
          break;
        case 'cut':
          if (!mine) break;
          if (this.current!.shown) {
            events.push({ type: 'reset', id, replayed, code: entry.code, message: entry.message, provider: this.current!.provider });
            this.shownSinceReset = false;
          }
          this.current = null;
          break;
        case 'fin':
          this.final = entry.r;
          break;
        case 'lead':
          events.push({ type: 'lead', id, replayed, hop: entry.hop, text: entry.text });
          break;
        case 'tool': {
          const { k: _k, ...call } = entry;
          events.push({ type: 'tool', id, replayed, call });
          break;
        }
      }
    }
    return events;
  }

  /**
   * Once the job has completed: `whole` when the result is the reply shown (it ended and the
   * worker named it final), `none` when nothing of it is shown (the result came from a
   * provider that did not stream: show it whole), `broken` when what is shown is not the
   * result (a later hop or failover did not stream, or the reply never ended).
   */
  outcome(): 'whole' | 'none' | 'broken' {
    if (!this.shownSinceReset) return 'none';
    const ended = this.lastEnded;
    if (this.current?.shown || !ended?.shown) return 'broken';
    if (this.final === null || this.final === ended.r) return 'whole';
    // A later hop made the result without streaming: it is the next reply, not a redo.
    return hopOfReply(this.final) > ended.hop ? 'none' : 'broken';
  }
}
