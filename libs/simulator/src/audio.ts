/**
 * Deterministic stand-in audio for the simulated TTS vendors. The point is plumbing (sizes,
 * headers, content types, durations a client can check), not sound: every answer is a
 * quiet 440 Hz tone, identical for identical input.
 */
import { spawn } from 'node:child_process';
import { sinePcm } from '@voxq/wav';

/** Speech runs about 60 ms per character of text (at speed 1). */
const MS_PER_CHARACTER = 60;
/** Long inputs are capped, so a benchmark's big texts cost the simulator little. */
export const MAX_SPEECH_SECONDS = 20;
const TONE_HZ = 440;
/** About -18 dBFS: audible if played, never clipping. */
const AMPLITUDE = 4_000;

/** How long the simulated speech of `text` lasts, in seconds (at least 0.1 s, at most the cap). */
export function speechSeconds(text: string, speed = 1): number {
  const seconds = (text.length * MS_PER_CHARACTER) / 1000 / speed;
  return Math.min(MAX_SPEECH_SECONDS, Math.max(0.1, seconds));
}

/** Mono 16-bit little-endian PCM of a sine tone. */
export function pcmTone(seconds: number, sampleRate: number): Buffer {
  return sinePcm({ seconds, sampleRate, frequency: TONE_HZ, amplitude: AMPLITUDE });
}

/** Mono 32-bit float little-endian PCM of the same tone (Cartesia's `pcm_f32le`). */
export function pcmToneF32(seconds: number, sampleRate: number): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const pcm = Buffer.alloc(samples * 4);
  const step = (2 * Math.PI * TONE_HZ) / sampleRate;
  for (let i = 0; i < samples; i++) pcm.writeFloatLE((AMPLITUDE / 32_768) * Math.sin(i * step), i * 4);
  return pcm;
}

/**
 * MPEG-1 Layer III frame header: sync, no CRC, 128 kbps, 44.1 kHz, no padding, mono.
 * A frame holds 1152 samples and is floor(144 × 128000 / 44100) = 417 bytes long.
 */
const MP3_FRAME_HEADER = Buffer.from([0xff, 0xfb, 0x90, 0xc4]);
const MP3_FRAME_BYTES = 417;
const MP3_FRAME_SECONDS = 1152 / 44_100;

/**
 * "MP3" of the given length: valid frame headers with zeroed side information and data, so
 * sniffers and frame counters see MPEG audio of the right duration (most decoders play it
 * as silence). It is not encoded speech, and not meant to be.
 */
export function mp3Frames(seconds: number): Buffer {
  const frames = Math.max(1, Math.ceil(seconds / MP3_FRAME_SECONDS));
  const out = Buffer.alloc(frames * MP3_FRAME_BYTES);
  for (let i = 0; i < frames; i++) MP3_FRAME_HEADER.copy(out, i * MP3_FRAME_BYTES);
  return out;
}

/** ffmpeg's output options for the compressed formats the simulator encodes for real. */
const ENCODERS = {
  opus: ['-c:a', 'libopus', '-b:a', '32k', '-ar', '48000', '-f', 'ogg'],
  aac: ['-c:a', 'aac', '-b:a', '64k', '-f', 'adts'],
  flac: ['-c:a', 'flac', '-f', 'flac'],
} as const;

/**
 * Mono 16-bit PCM encoded by ffmpeg as Ogg Opus, ADTS AAC or FLAC, so what a client decodes
 * is what the Content-Type says. Rejects when ffmpeg is missing or fails.
 */
export function encodePcm(pcm: Buffer, sampleRate: number, format: keyof typeof ENCODERS): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const args = ['-hide_banner', '-loglevel', 'error', '-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', 'pipe:0', ...ENCODERS[format], 'pipe:1'];
    const child = spawn('ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2048)));
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg exited with ${code}: ${stderr.trim()}`))));
    child.stdin.end(pcm);
  });
}
