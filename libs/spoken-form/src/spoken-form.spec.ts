import { describe, expect, it } from 'vitest';
import { toSpokenForm } from './spoken-form';

const english = (text: string) => toSpokenForm(text, 'en-US').text;

describe('toSpokenForm, English', () => {
  it.each([
    // Markdown: the words stay, the markup goes.
    ['# Release notes', 'Release notes'],
    ['## Setup ##', 'Setup'],
    ['This is **very** important and *quite* _urgent_.', 'This is very important and quite urgent.'],
    ['~~old~~ new', 'old new'],
    ['- first item\n* second item\n1. third item', 'first item\nsecond item\nthird item'],
    ['- [x] done', 'done'],
    ['> quoted words', 'quoted words'],
    ['```ts\nconst total = x;\n```', 'const total = x;'],
    ['Run `npm start` now', 'Run npm start now'],
    ['See [the guide](https://example.com/guide) first', 'See the guide first'],
    ['![a cat](cat.png)', 'a cat'],
    ['before\n---\nafter', 'before\nafter'],
    ['keep snake_case_names', 'keep snake_case_names'],
    ['an **unclosed bold stays', 'an **unclosed bold stays'],
    ['**bold with *italic* inside**', 'bold with italic inside'],
    // URLs and e-mail addresses.
    ['Visit https://www.example.com/docs/setup?x=1#top.', 'Visit example dot com slash docs slash setup.'],
    ['Go to www.voxq.dev today', 'Go to voxq dot dev today'],
    ['Write to jane.doe@example.co.uk', 'Write to jane dot doe at example dot co dot uk'],
    // Numbers.
    ['I have 3 cats', 'I have three cats'],
    ['1,234,567 rows', 'one million two hundred thirty-four thousand five hundred sixty-seven rows'],
    ['pi is 3.14', 'pi is three point one four'],
    ['It was -5 outside', 'It was minus five outside'],
    ['Agent 007', 'Agent zero zero seven'],
    ['the 1st, 2nd, 3rd, 11th and 22nd', 'the first, second, third, eleventh and twenty-second'],
    ['his 100th birthday', 'his one hundredth birthday'],
    // Currency.
    ['It costs $12.50', 'It costs twelve dollars and fifty cents'],
    ['only $1', 'only one dollar'],
    ['just $0.99', 'just ninety-nine cents'],
    ['$1,000 total', 'one thousand dollars total'],
    ['raised $2.5 million', 'raised two point five million dollars'],
    ['€5 each', 'five euros each'],
    ['£3.20 please', 'three pounds and twenty pence please'],
    ['EUR 40', 'forty euros'],
    ['20 GBP', 'twenty pounds'],
    // Percentages and times.
    ['up 45%', 'up forty-five percent'],
    ['a 3.5% fee', 'a three point five percent fee'],
    ['at 3:30pm', 'at three thirty p.m.'],
    ['at 9:05 AM', 'at nine oh five a.m.'],
    ['at 10am', 'at ten a.m.'],
    ['at 15:45', 'at fifteen forty-five'],
    ['at 7:00', "at seven o'clock"],
    // Years where the context makes them years; other four-digit numbers stay quantities.
    ['in 1999', 'in nineteen ninety-nine'],
    ['since 2024', 'since twenty twenty-four'],
    ['by 2005', 'by two thousand five'],
    ['in 1905', 'in nineteen oh five'],
    ['the 1990s', 'the nineteen nineties'],
    ['300 BC', 'three hundred B C'],
    ['May 4, 2021', 'May fourth, twenty twenty-one'],
    ['1500 people', 'one thousand five hundred people'],
    // Abbreviations.
    ['Dr. Smith and Mr. Jones', 'Doctor Smith and Mister Jones'],
    ['Mrs. Brown met Ms. Green', 'Missus Brown met Miz Green'],
    ['St. Louis', 'Saint Louis'],
    ['on Main St.', 'on Main Street'],
    ['fruit, e.g. apples', 'fruit, for example apples'],
    ['that one, i.e. the red one', 'that one, that is the red one'],
    ['apples, pears, etc. are fruit', 'apples, pears, et cetera are fruit'],
    ['apples, pears, etc.', 'apples, pears, et cetera.'],
    ['cats vs. dogs', 'cats versus dogs'],
    ['No. 5 and #2', 'number five and number two'],
    ['salt & pepper', 'salt and pepper'],
    // Digits inside words are left alone.
    ['an mp3 of v1.2.3', 'an mp3 of v1.2.3'],
  ])('%j → %j', (input, spoken) => {
    expect(english(input)).toBe(spoken);
  });

  it('says every rule applied', () => {
    expect(toSpokenForm('3 cats', 'en').applied).toBe('full');
  });
});

describe('toSpokenForm, other languages', () => {
  it('applies only the language-neutral rules and says so', () => {
    expect(toSpokenForm('**Hola**, visita https://example.es/ayuda: 3 gatos por $12.50', 'es-ES')).toEqual({
      text: 'Hola, visita example dot es slash ayuda: 3 gatos por $12.50',
      applied: 'partial',
    });
  });
});
