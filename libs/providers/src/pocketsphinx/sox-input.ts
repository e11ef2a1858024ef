/**
 * sox arguments describing the input, from its content type. Raw PCM carries no header, so
 * its layout must be spelled out; for unknown types sox sniffs the header itself.
 */
export function soxInputArgs(contentType: string): string[] {
  const [mime = '', ...params] = contentType
    .toLowerCase()
    .split(';')
    .map((part) => part.trim());
  switch (mime) {
    case 'audio/wav':
    case 'audio/wave':
    case 'audio/x-wav':
    case 'audio/vnd.wave':
      return ['-t', 'wav'];
    case 'audio/flac':
    case 'audio/x-flac':
      return ['-t', 'flac'];
    case 'audio/ogg':
      return ['-t', 'ogg'];
    case 'audio/mpeg':
    case 'audio/mp3':
      return ['-t', 'mp3'];
    case 'audio/pcm':
    case 'audio/l16': {
      const rate = params.map((p) => /^rate=(\d+)$/.exec(p)?.[1]).find(Boolean) ?? '16000';
      const channels = params.map((p) => /^channels=(\d+)$/.exec(p)?.[1]).find(Boolean) ?? '1';
      return ['-t', 'raw', '-r', rate, '-e', 'signed', '-b', '16', '-c', channels];
    }
    default:
      return [];
  }
}
