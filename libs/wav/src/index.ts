export { pcmToWav } from './wav-writer';
export type { PcmEncoding, WavFormat } from './wav-writer';
export { readWav, withExactWavSizes } from './wav-reader';
export type { WavInfo } from './wav-reader';
export { sinePcm, sineWav } from './tone';
export type { ToneOptions } from './tone';
