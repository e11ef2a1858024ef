import { readWav } from '@voxq/wav';

/** The layout of headerless 16-bit little-endian PCM, as `audio/pcm;rate=24000;channels=1` states it. */
export interface PcmLayout {
  sampleRate: number;
  channels: number;
}

/** The media type of a Content-Type, without parameters, lower-cased. */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * The layout of `audio/pcm` (what Cartesia and most realtime stacks emit), or null for any
 * other type. Absent parameters default to 16 kHz mono, as the pocketsphinx adapter assumes.
 */
export function pcmLayout(contentType: string): PcmLayout | null {
  if (mediaType(contentType) !== 'audio/pcm') return null;
  const params = contentType
    .toLowerCase()
    .split(';')
    .slice(1)
    .map((part) => part.trim());
  const param = (name: string): number | undefined => {
    const value = Number(params.find((p) => p.startsWith(`${name}=`))?.slice(name.length + 1));
    return Number.isInteger(value) && value > 0 ? value : undefined;
  };
  return { sampleRate: param('rate') ?? 16_000, channels: param('channels') ?? 1 };
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
  'application/ogg': 'ogg',
  'audio/webm': 'webm',
  'video/webm': 'webm',
  'audio/mp4': 'm4a',
  'audio/m4a': 'm4a',
  'audio/x-m4a': 'm4a',
  'video/mp4': 'mp4',
};

/** The container from its magic bytes, for `application/octet-stream` uploads. */
function sniffExtension(audio: Buffer): string | null {
  const ascii = (start: number, end: number) => audio.toString('latin1', start, end);
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (audio.length >= 4 && audio.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
  if (ascii(4, 8) === 'ftyp') return 'm4a';
  // An ID3 tag, or an MPEG audio frame sync (11 set bits).
  if (ascii(0, 3) === 'ID3' || (audio.length >= 2 && audio[0] === 0xff && ((audio[1] ?? 0) & 0xe0) === 0xe0)) return 'mp3';
  return null;
}

/**
 * The file extension for an upload of this audio (`wav`, `mp3`, …): from the content type
 * when it names a container, else from the bytes. Null when neither tells.
 */
export function audioExtension(contentType: string, audio: Buffer): string | null {
  return EXTENSIONS[mediaType(contentType)] ?? sniffExtension(audio);
}

/**
 * The audio's length when it can be told without decoding (WAV and raw PCM), else 0: the
 * fallback for upstreams that do not report it.
 */
export function audioDurationSeconds(audio: Buffer, contentType: string): number {
  const pcm = pcmLayout(contentType);
  if (pcm) return audio.length / (pcm.sampleRate * pcm.channels * 2);
  if (audioExtension(contentType, audio) !== 'wav') return 0;
  try {
    return readWav(audio).durationSeconds;
  } catch {
    return 0;
  }
}
