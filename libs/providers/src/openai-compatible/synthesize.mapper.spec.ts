import { describe, expect, it } from 'vitest';
import type { TtsRequest } from '../provider';
import { fromSpeechAudio, toSpeechRequest } from './synthesize.mapper';

const defaults = { model: 'tts-1', voice: 'alloy', format: 'wav' as const };
const hello: TtsRequest = { text: 'Hello', language: 'en-US', speed: 1, voice: null };

/** A mono 16-bit WAV of `samples` zero samples, its sizes set to `declared` (streamed: 0xffffffff). */
function wav(sampleRate: number, samples: number, declared = samples * 2): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFFxxxxWAVEfmt ', 0, 'ascii');
  header.writeUInt32LE(36 + declared > 0xffffffff ? 0xffffffff : 36 + declared, 4);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(declared, 40);
  return Buffer.concat([header, Buffer.alloc(samples * 2)]);
}

describe('toSpeechRequest', () => {
  it('sends the defaults for a null voice and no model, leaving speed 1 out', () => {
    expect(toSpeechRequest(hello, defaults)).toEqual({ model: 'tts-1', input: 'Hello', voice: 'alloy', response_format: 'wav' });
  });

  it('passes the request model, voice and speed', () => {
    expect(toSpeechRequest({ ...hello, model: 'tts-1-hd', voice: 'nova', speed: 1.5 }, { ...defaults, format: 'mp3' })).toEqual({
      model: 'tts-1-hd',
      input: 'Hello',
      voice: 'nova',
      response_format: 'mp3',
      speed: 1.5,
    });
  });

  it('sends instructions when the request carries them (the job sets them only for models that take them)', () => {
    expect(toSpeechRequest({ ...hello, model: 'gpt-4o-mini-tts', instructions: 'Calm.' }, defaults)).toMatchObject({
      model: 'gpt-4o-mini-tts',
      instructions: 'Calm.',
    });
    expect(toSpeechRequest(hello, defaults)).not.toHaveProperty('instructions');
  });

  it('keeps speed within OpenAI range', () => {
    expect(toSpeechRequest({ ...hello, speed: 0.1 }, defaults).speed).toBe(0.25);
    expect(toSpeechRequest({ ...hello, speed: 9 }, defaults).speed).toBe(4);
  });
});

describe('fromSpeechAudio', () => {
  it('labels WAV audio/wav, fixes streamed header sizes and reads the duration', () => {
    const result = fromSpeechAudio('openai', wav(24_000, 12_000, 0xffffffff), 'wav', 'tts-1');
    expect(result).toMatchObject({ contentType: 'audio/wav', model: 'tts-1', durationSeconds: 0.5 });
    expect(result.audio.readUInt32LE(4)).toBe(result.audio.length - 8);
    expect(result.audio.readUInt32LE(40)).toBe(24_000);
  });

  it('labels MP3 audio/mpeg without a duration', () => {
    const frame = Buffer.from([0xff, 0xfb, 0x90, 0xc4, 0, 0]);
    expect(fromSpeechAudio('openai', frame, 'mp3', 'tts-1')).toEqual({ audio: frame, contentType: 'audio/mpeg', model: 'tts-1' });
    const tagged = Buffer.from('ID3\u0004\u0000');
    expect(fromSpeechAudio('openai', tagged, 'mp3', 'tts-1').contentType).toBe('audio/mpeg');
  });

  it('reports bytes that are not the format asked for as a malformed answer', () => {
    expect(() => fromSpeechAudio('openai', Buffer.from('not a wav at all'), 'wav', 'm')).toThrow(
      expect.objectContaining({ code: 'provider_unavailable', failover: true, message: 'openai: malformed response: not a RIFF/WAVE file' }),
    );
    expect(() => fromSpeechAudio('openai', wav(24_000, 10), 'mp3', 'm')).toThrow(expect.objectContaining({ code: 'provider_unavailable' }));
  });
});

describe('speech formats', () => {
  it("asks for the job's format over the adapter's", () => {
    expect(toSpeechRequest({ ...hello, format: 'opus' }, defaults).response_format).toBe('opus');
  });

  it('labels each format by its bytes, and refuses bytes that are not it', () => {
    const ogg = Buffer.from('OggS\u0000\u0002');
    expect(fromSpeechAudio('openai', ogg, 'opus', 'm').contentType).toBe('audio/ogg');
    expect(fromSpeechAudio('openai', Buffer.from('fLaC\u0000'), 'flac', 'm').contentType).toBe('audio/flac');
    expect(fromSpeechAudio('openai', Buffer.from([0xff, 0xf1, 0x50, 0x80]), 'aac', 'm').contentType).toBe('audio/aac');
    expect(fromSpeechAudio('openai', Buffer.alloc(24_000), 'pcm', 'm')).toMatchObject({ contentType: 'audio/pcm;rate=24000', durationSeconds: 0.5 });
    expect(() => fromSpeechAudio('openai', ogg, 'flac', 'm')).toThrow(expect.objectContaining({ code: 'provider_unavailable' }));
    expect(() => fromSpeechAudio('openai', Buffer.alloc(3), 'pcm', 'm')).toThrow(expect.objectContaining({ code: 'provider_unavailable' }));
  });
});
