export { toSpokenForm, type SpokenForm } from './spoken-form';
export { decimalWords, integerWords, ordinalWords, yearWords } from './number-words';
