import { describe, expect, it } from 'vitest';
import { soxInputArgs } from './sox-input';
import { transcriptFromOutput } from './transcribe';

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

describe('transcriptFromOutput', () => {
  it('joins utterance lines and trims', () => {
    expect(transcriptFromOutput('hello world\n\n  this is a test \n')).toBe('hello world this is a test');
    expect(transcriptFromOutput('')).toBe('');
  });
});
