import { describe, expect, it } from 'vitest';
import { cartesiaOutput, cartesiaSpeed, toWireRequest } from './synthesize';

const defaults = { model: 'sonic-2', voice: 'voice-default', sampleRate: 24_000 as const };

describe('cartesia toWireRequest', () => {
  it('sends the documented /tts/bytes body with raw 16-bit PCM and the primary language subtag', () => {
    expect(toWireRequest({ text: 'Olá', language: 'pt-BR', speed: 1, voice: null }, defaults)).toEqual({
      model_id: 'sonic-2',
      transcript: 'Olá',
      voice: { mode: 'id', id: 'voice-default' },
      output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 24_000 },
      language: 'pt',
    });
  });

  it('passes the request model and voice, and a speed step away from normal', () => {
    expect(toWireRequest({ text: 'Hi', language: 'EN', speed: 2, voice: 'v-9', model: 'sonic-turbo' }, defaults)).toMatchObject({
      model_id: 'sonic-turbo',
      voice: { mode: 'id', id: 'v-9' },
      language: 'en',
      speed: 'fast',
    });
  });
});

describe('cartesiaSpeed', () => {
  it.each([
    [0.25, 'slow'],
    [0.8, 'slow'],
    [0.9, undefined],
    [1, undefined],
    [1.2, undefined],
    [1.25, 'fast'],
    [4, 'fast'],
  ])('maps %d to %s', (speed, step) => {
    expect(cartesiaSpeed(speed)).toBe(step);
  });
});

describe('cartesiaOutput', () => {
  it('asks Cartesia for MP3 and WAV itself, raw PCM at 24 kHz for pcm, and raw PCM for formats the worker converts', () => {
    expect(cartesiaOutput('mp3', 22_050)).toEqual({ container: 'mp3', sample_rate: 44_100, bit_rate: 128_000 });
    expect(cartesiaOutput('wav', 22_050)).toEqual({ container: 'wav', encoding: 'pcm_s16le', sample_rate: 22_050 });
    expect(cartesiaOutput('pcm', 16_000)).toEqual({ container: 'raw', encoding: 'pcm_s16le', sample_rate: 24_000 });
    expect(cartesiaOutput('opus', 16_000)).toEqual({ container: 'raw', encoding: 'pcm_s16le', sample_rate: 16_000 });
    expect(cartesiaOutput(undefined, 16_000)).toEqual({ container: 'raw', encoding: 'pcm_s16le', sample_rate: 16_000 });
  });
});
