import { describe, expect, it } from 'vitest';
import type { StreamEntry } from '@voxq/contracts';
import { ReplyTracker } from './reply-tracker';
import type { StreamItem } from './stream-follower';

let seq = 0;
const item = (entry: StreamEntry): StreamItem => ({ id: `1-${seq++}`, entry });
const start = (r: string, provider = 'openai') => item({ k: 'start', r, hop: Number(r.split('.')[1]), provider, model: 'm' });
const delta = (r: string, c: string) => item({ k: 'delta', r, c });
const types = (tracker: ReplyTracker, items: StreamItem[]) => tracker.read(items).map((e) => (e.type === 'delta' ? `delta:${e.delta.c}` : e.type));

describe('ReplyTracker', () => {
  it('shows one reply piece by piece, whole once it ends and is named final', () => {
    const tracker = new ReplyTracker();
    expect(types(tracker, [start('1.0.0'), delta('1.0.0', 'Hel'), delta('1.0.0', 'lo')])).toEqual(['reply', 'delta:Hel', 'delta:lo']);
    expect(tracker.outcome()).toBe('broken'); // still being made
    tracker.read([item({ k: 'end', r: '1.0.0' }), item({ k: 'fin', r: '1.0.0' })]);
    expect(tracker.outcome()).toBe('whole');
  });

  it('is none when no provider streamed: the result is shown whole', () => {
    const tracker = new ReplyTracker();
    tracker.read([item({ k: 'fin', r: '1.0.0' })]);
    expect(tracker.outcome()).toBe('none');
  });

  it('resets when the reply shown is cut off, and when a new reply for the same hop starts over it', () => {
    const cut = new ReplyTracker();
    expect(types(cut, [start('1.0.0'), delta('1.0.0', 'a')])).toEqual(['reply', 'delta:a']);
    expect(types(cut, [item({ k: 'cut', r: '1.0.0', code: 'provider_unavailable', message: 'reset' })])).toEqual(['reset']);
    // The next provider did not stream: nothing of the result has been shown.
    cut.read([item({ k: 'fin', r: '1.0.1' })]);
    expect(cut.outcome()).toBe('none');

    const retried = new ReplyTracker();
    retried.read([start('1.0.0'), delta('1.0.0', 'a')]);
    // A worker died mid-reply; attempt 2 starts hop 0 again.
    expect(types(retried, [start('2.0.0'), delta('2.0.0', 'b')])).toEqual(['reset', 'reply', 'delta:b']);
  });

  it('skips a reply that was cut before anyone saw it (a late reader replaying the stream)', () => {
    const tracker = new ReplyTracker();
    const replay = [
      start('1.0.0'),
      delta('1.0.0', 'lost'),
      item({ k: 'cut', r: '1.0.0', code: 'provider_unavailable', message: 'x' }),
      start('1.0.1', 'anthropic'),
      delta('1.0.1', 'kept'),
      item({ k: 'end', r: '1.0.1' }),
      item({ k: 'fin', r: '1.0.1' }),
    ];
    expect(types(tracker, replay)).toEqual(['reply', 'delta:kept']);
    expect(tracker.outcome()).toBe('whole');
  });

  it('treats a later hop after an ended reply as the tool loop going on', () => {
    const tracker = new ReplyTracker();
    tracker.read([start('1.0.0'), delta('1.0.0', 'calling a tool'), item({ k: 'end', r: '1.0.0' })]);
    expect(types(tracker, [start('1.1.0'), delta('1.1.0', 'answer')])).toEqual(['reply', 'delta:answer']);
    tracker.read([item({ k: 'end', r: '1.1.0' }), item({ k: 'fin', r: '1.1.0' })]);
    expect(tracker.outcome()).toBe('whole');
  });

  it('is none when a later hop made the result without streaming, broken when the same hop did', () => {
    const later = new ReplyTracker();
    later.read([start('1.0.0'), delta('1.0.0', 'x'), item({ k: 'end', r: '1.0.0' }), item({ k: 'fin', r: '1.1.0' })]);
    expect(later.outcome()).toBe('none');
    const same = new ReplyTracker();
    same.read([start('2.0.0'), delta('2.0.0', 'x'), item({ k: 'end', r: '2.0.0' }), item({ k: 'fin', r: '3.0.0' })]);
    expect(same.outcome()).toBe('broken');
  });

  it('ignores pieces of a reply that is not the current one (an abandoned call)', () => {
    const tracker = new ReplyTracker();
    tracker.read([start('1.0.0'), item({ k: 'cut', r: '1.0.0', code: 'timeout', message: 't' }), start('1.0.1')]);
    expect(types(tracker, [delta('1.0.0', 'late'), delta('1.0.1', 'now')])).toEqual(['delta:now']);
  });
});

describe('ReplyTracker resuming after a Last-Event-ID', () => {
  it('reads the whole stream but marks what the client has already seen', () => {
    const items = [start('1.0.0'), delta('1.0.0', 'a'), delta('1.0.0', 'b')];
    const tracker = new ReplyTracker(items[1]!.id);
    expect(tracker.read(items).map((e) => [e.type, e.replayed])).toEqual([
      ['reply', true],
      ['delta', true],
      ['delta', false],
    ]);
  });

  it('passes tool-loop progress through between replies, without touching the replies', () => {
    const tracker = new ReplyTracker();
    const tool = (status: 'started' | 'completed' | 'failed') => item({ k: 'tool', id: 'call_1', name: 'get_weather', hop: 1, status });
    const events = tracker.read([
      item({ k: 'start', r: '1.0.0', hop: 0, provider: 'openai', model: 'm', fc: 1, tfc: 1, run: 'sr_1' }),
      item({ k: 'delta', r: '1.0.0', tc: [{ index: 0, id: 'call_1', name: 'get_weather', args: '{}' }] }),
      item({ k: 'end', r: '1.0.0' }),
      item({ k: 'lead', hop: 1, text: 'One moment.' }),
      tool('started'),
      tool('completed'),
      start('1.1.0'),
      delta('1.1.0', 'Sunny'),
      item({ k: 'end', r: '1.1.0' }),
      item({ k: 'fin', r: '1.1.0' }),
    ]);
    expect(events.map((e) => (e.type === 'tool' ? `tool:${e.call.status}` : e.type))).toEqual([
      'reply',
      'delta',
      'lead',
      'tool:started',
      'tool:completed',
      'reply',
      'delta',
    ]);
    expect(events[0]).toMatchObject({ type: 'reply', failoverCount: 1, totalFailoverCount: 1, scoresRunId: 'sr_1' });
    expect(tracker.outcome()).toBe('whole');
  });
});
