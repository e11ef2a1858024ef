/** A Messages answer as the simulator builds it (the non-streamed body). */
interface MessageBody {
  id: string;
  model: string;
  content: Array<{ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown }>;
  stop_reason: string;
  usage: { input_tokens: number; output_tokens: number };
}

const frame = (event: string, data: object) => `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;

/**
 * The same answer as Anthropic streams it: `message_start`, per content block a
 * `content_block_start`, its deltas (`text_delta` word by word, `input_json_delta` in two
 * halves) and `content_block_stop`, then `message_delta` with the stop reason and output
 * usage, and `message_stop`.
 */
export function messageStreamFrames(message: MessageBody): string[] {
  const frames = [
    frame('message_start', {
      message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: message.usage.input_tokens, output_tokens: 1 } },
    }),
  ];
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      frames.push(frame('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      for (const piece of block.text.split(/(?<= )/)) frames.push(frame('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
    } else {
      frames.push(frame('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }));
      const json = JSON.stringify(block.input);
      const half = Math.ceil(json.length / 2);
      for (const part of [json.slice(0, half), json.slice(half)]) {
        if (part) frames.push(frame('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } }));
      }
    }
    frames.push(frame('content_block_stop', { index }));
  });
  frames.push(
    frame('message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: message.usage.output_tokens } }),
  );
  frames.push(frame('message_stop', {}));
  return frames;
}
