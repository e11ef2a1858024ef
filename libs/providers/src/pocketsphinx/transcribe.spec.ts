import { describe, expect, it } from 'vitest';
import { soxInputArgs } from './sox-input';
import { recognitionFromOutput } from './transcribe';

describe('soxInputArgs', () => {
  it.each([
    ['audio/wav', ['-t', 'wav']],
    ['audio/x-wav', ['-t', 'wav']],
    ['audio/flac', ['-t', 'flac']],
    ['audio/mpeg', ['-t', 'mp3']],
    ['audio/pcm;rate=24000', ['-t', 'raw', '-r', '24000', '-e', 'signed', '-b', '16', '-c', '1']],
    ['application/octet-stream', []],
  ])('describes %s', (contentType, args) => {
    expect(soxInputArgs(contentType)).toEqual(args);
  });
});

describe('recognitionFromOutput', () => {
  // Two utterances as `pocketsphinx_continuous -time yes` prints them (times from the file's start).
  const output = [
    'well the system',
    '<s> 0.000 0.290 0.997204',
    'well 0.300 0.650 0.997503',
    '<sil> 0.660 0.990 0.986885',
    'the(2) 1.000 1.280 0.786370',
    '[NOISE] 1.290 1.400 0.500000',
    'system 1.410 1.720 0.183857',
    '</s> 1.730 2.030 1.000000',
    'we can call it',
    '<s> 7.760 8.170 0.998102',
    'we 8.180 8.510 0.713167',
    'can(2) 8.520 8.870 1.2e-05',
    'call 8.880 9.010 0.037393',
    '<sil> 9.020 9.530 0.002396',
    'it 9.540 9.560 0.002492',
    '</s> 9.570 9.880 1.000000',
    '',
  ].join('\n');

  it('joins the hypotheses, times each utterance from its first word to its last, and times each word', () => {
    expect(recognitionFromOutput(output)).toEqual({
      text: 'well the system we can call it',
      segments: [
        { start: 0.3, end: 1.72, text: 'well the system' },
        { start: 8.18, end: 9.56, text: 'we can call it' },
      ],
      // Markers, silences and fillers are not words; `the(2)` is an alternate pronunciation of `the`.
      words: [
        { word: 'well', start: 0.3, end: 0.65 },
        { word: 'the', start: 1, end: 1.28 },
        { word: 'system', start: 1.41, end: 1.72 },
        { word: 'we', start: 8.18, end: 8.51 },
        { word: 'can', start: 8.52, end: 8.87 },
        { word: 'call', start: 8.88, end: 9.01 },
        { word: 'it', start: 9.54, end: 9.56 },
      ],
    });
  });

  it('skips empty hypotheses and their timings, and trims', () => {
    const silent = ['', '<s> 0.000 0.500 1.000000', '<sil> 0.510 1.000 1.000000', '</s> 1.010 1.200 1.000000'].join('\n');
    expect(recognitionFromOutput(`${silent}\n  hello world \nhello 1.300 1.600 0.9\nworld 1.610 2.000 0.9\n`)).toEqual({
      text: 'hello world',
      segments: [{ start: 1.3, end: 2, text: 'hello world' }],
      words: [
        { word: 'hello', start: 1.3, end: 1.6 },
        { word: 'world', start: 1.61, end: 2 },
      ],
    });
    expect(recognitionFromOutput('')).toEqual({ text: '', segments: [], words: [] });
  });

  it('reads output without timings as the transcript alone', () => {
    expect(recognitionFromOutput('hello world\n\n  this is a test \n')).toEqual({ text: 'hello world this is a test', segments: [], words: [] });
  });
});
