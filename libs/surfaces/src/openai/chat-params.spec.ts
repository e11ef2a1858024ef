import { describe, expect, it } from 'vitest';
import { openAiPath, samplingInput } from './chat-params';

describe('samplingInput', () => {
  it("maps OpenAI's parameters to voxq's names, a lone stop string to a list", () => {
    expect(
      samplingInput({
        response_format: { type: 'json_schema', json_schema: { name: 'w', schema: { type: 'object' }, strict: true } },
        stop: 'END',
        top_p: 0.5,
        logit_bias: { '1': 2 },
        user: 'u',
        seed: null,
      }),
    ).toEqual({
      responseFormat: { type: 'json_schema', jsonSchema: { name: 'w', description: undefined, schema: { type: 'object' }, strict: true } },
      stop: ['END'],
      topP: 0.5,
      logitBias: { '1': 2 },
      user: 'u',
    });
  });

  it('refuses what voxq cannot answer, by name', () => {
    expect(() => samplingInput({ audio: { voice: 'alloy', format: 'mp3' } })).toThrow(expect.objectContaining({ param: 'audio', status: 400 }));
    expect(() => samplingInput({ modalities: ['text', 'audio'] })).toThrow(expect.objectContaining({ param: 'modalities' }));
    expect(samplingInput({ modalities: ['text'] })).toEqual({});
  });
});

describe('openAiPath', () => {
  it.each([
    [['input', 'maxTokens'], { max_tokens: 5 }, 'max_tokens'],
    [['input', 'maxTokens'], { max_completion_tokens: 5 }, 'max_completion_tokens'],
    [['input', 'messages', 0, 'content'], {}, 'messages.0.content'],
    [['input', 'messages', 2, 'toolCalls', 0, 'args'], {}, 'messages.2.tool_calls.0.function.arguments'],
    [['input', 'messages', 2, 'toolCallId'], {}, 'messages.2.tool_call_id'],
    [['input', 'tools', 1, 'name'], {}, 'tools.1.function.name'],
    [['input', 'toolChoice', 'name'], {}, 'tool_choice.function.name'],
    [['input', 'topP'], {}, 'top_p'],
    [['input', 'logitBias', 'x'], {}, 'logit_bias.x'],
    [['input', 'responseFormat', 'jsonSchema', 'name'], {}, 'response_format.json_schema.name'],
    [['input', 'stop', 0], { stop: 'x' }, 'stop'],
    [['input', 'stop', 1], { stop: ['x', ''] }, 'stop.1'],
    [['constraints', 'models'], {}, 'model'],
  ])('%j → %s', (path, body, expected) => {
    expect(openAiPath(path, body).join('.')).toBe(expected);
  });
});
