/** One server-sent event as a test reads it: its `id:` (if any), its name (`message` when unnamed) and its raw data. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** Splits a whole `text/event-stream` body into its events (comments such as keep-alives are dropped). */
export function parseSseEvents(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => {
      const lines = block.split('\n');
      const field = (name: string) => lines.filter((line) => line.startsWith(`${name}: `)).map((line) => line.slice(name.length + 2));
      const id = field('id')[0];
      return { ...(id === undefined ? {} : { id }), event: field('event')[0] ?? 'message', data: field('data').join('\n') };
    });
}
