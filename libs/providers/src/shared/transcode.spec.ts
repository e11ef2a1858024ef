import { describe, expect, it } from 'vitest';
import { readWav, sinePcm, sineWav } from '@voxq/wav';
import { Semaphore } from './semaphore';
import { createSpeechTranscoder, isSpeechFormat } from './transcode';

const signal = new AbortController().signal;
const transcoder = createSpeechTranscoder({ limiter: new Semaphore(2) });

describe('isSpeechFormat', () => {
  it('tells a format by its media type, and PCM only at 24 kHz mono', () => {
    expect(isSpeechFormat('audio/mpeg', 'mp3')).toBe(true);
    expect(isSpeechFormat('audio/wav', 'mp3')).toBe(false);
    expect(isSpeechFormat('audio/x-wav', 'wav')).toBe(true);
    expect(isSpeechFormat('audio/ogg; codecs=opus', 'opus')).toBe(true);
    expect(isSpeechFormat('audio/pcm;rate=24000', 'pcm')).toBe(true);
    expect(isSpeechFormat('audio/pcm;rate=16000', 'pcm')).toBe(false);
    expect(isSpeechFormat('audio/pcm;rate=24000;channels=2', 'pcm')).toBe(false);
  });
});

/** Each format's first bytes: an ID3 tag or frame sync, Ogg pages, the FLAC marker, an ADTS sync, RIFF. */
const MAGIC: Record<string, (audio: Buffer) => boolean> = {
  mp3: (a) => a.toString('latin1', 0, 3) === 'ID3' || (a[0] === 0xff && ((a[1] ?? 0) & 0xe0) === 0xe0),
  opus: (a) => a.toString('latin1', 0, 4) === 'OggS',
  flac: (a) => a.toString('latin1', 0, 4) === 'fLaC',
  aac: (a) => a[0] === 0xff && ((a[1] ?? 0) & 0xf6) === 0xf0,
  wav: (a) => a.toString('latin1', 0, 4) === 'RIFF',
};

describe('createSpeechTranscoder (ffmpeg)', () => {
  it.each(['mp3', 'opus', 'aac', 'flac'] as const)('converts WAV to %s with its Content-Type', async (format) => {
    const out = await transcoder.transcode(sineWav({ seconds: 0.5, sampleRate: 22_050 }), 'audio/wav', format, signal);
    expect(MAGIC[format]!(out.audio)).toBe(true);
    expect(out.contentType).toBe({ mp3: 'audio/mpeg', opus: 'audio/ogg', aac: 'audio/aac', flac: 'audio/flac' }[format]);
  });

  it('writes WAV with its real sizes, and raw 24 kHz PCM from headerless PCM at another rate', async () => {
    const wav = await transcoder.transcode(sinePcm({ seconds: 0.5, sampleRate: 16_000 }), 'audio/pcm;rate=16000', 'wav', signal);
    expect(MAGIC.wav!(wav.audio)).toBe(true);
    expect(wav.audio.readUInt32LE(4)).toBe(wav.audio.length - 8);
    expect(readWav(wav.audio).durationSeconds).toBeCloseTo(0.5, 2);
    expect(wav.durationSeconds).toBeCloseTo(0.5, 2);

    const pcm = await transcoder.transcode(sineWav({ seconds: 0.5, sampleRate: 22_050 }), 'audio/wav', 'pcm', signal);
    expect(pcm.contentType).toBe('audio/pcm;rate=24000');
    expect(pcm.durationSeconds).toBeCloseTo(0.5, 1);
    expect(Math.abs(pcm.audio.length - 24_000)).toBeLessThan(200);
  });

  it('fails without failover or retry when ffmpeg is missing, naming it', async () => {
    const missing = createSpeechTranscoder({ bin: 'voxq-no-such-ffmpeg', limiter: new Semaphore(1) });
    await expect(missing.transcode(sineWav(), 'audio/wav', 'mp3', signal)).rejects.toMatchObject({
      code: 'transcoder_unavailable',
      retryable: false,
      failover: false,
      message: expect.stringContaining('needs ffmpeg'),
    });
  });

  it('fails as transcode_failed on audio ffmpeg cannot read', async () => {
    await expect(transcoder.transcode(Buffer.from('not audio at all'), 'audio/wav', 'mp3', signal)).rejects.toMatchObject({
      code: 'transcode_failed',
      retryable: false,
      failover: false,
    });
  });
});
