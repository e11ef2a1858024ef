import { describe, expect, it } from 'vitest';
import { elevenLabsOutput, toWireRequest } from './synthesize';

describe('elevenlabs toWireRequest', () => {
  const hello = { text: 'Hello', language: 'en', speed: 1 };

  it('sends text and model, and no voice_settings at speed 1', () => {
    expect(toWireRequest(hello, 'eleven_multilingual_v2')).toEqual({ text: 'Hello', model_id: 'eleven_multilingual_v2' });
  });

  it.each([
    [1.1, 1.1],
    [0.8, 0.8],
    [0.25, 0.7],
    [4, 1.2],
  ])('sends speed %d as voice_settings.speed %d (ElevenLabs takes 0.7–1.2)', (speed, sent) => {
    expect(toWireRequest({ ...hello, speed }, 'm').voice_settings).toEqual({ speed: sent });
  });
});

describe('elevenLabsOutput', () => {
  it('asks for PCM at 24 kHz for pcm and MP3 for everything else', () => {
    expect(elevenLabsOutput('pcm')).toEqual({ outputFormat: 'pcm_24000', contentType: 'audio/pcm;rate=24000' });
    expect(elevenLabsOutput('flac')).toEqual({ outputFormat: 'mp3_44100_128', contentType: 'audio/mpeg' });
    expect(elevenLabsOutput(undefined)).toEqual({ outputFormat: 'mp3_44100_128', contentType: 'audio/mpeg' });
  });
});
