import { describe, expect, it } from 'vitest';
import { AppError } from '@voxq/errors';
import { isSpekoSdk, spekoAnswerForm, spekoErrorBody } from './speko-wire';

const SDK = '@spekoai/sdk/0.5.4';

describe('spekoAnswerForm: events or JSON on /v1/transcribe and /v1/complete', () => {
  it.each([
    // [Accept, User-Agent, form]
    [undefined, SDK, 'events'],
    ['*/*', SDK, 'events'],
    ['*/*', 'curl/8.5.0', 'json'],
    [undefined, 'curl/8.5.0', 'json'],
    [undefined, undefined, 'json'],
    ['*/*', 'node', 'json'],
    ['text/event-stream', 'curl/8.5.0', 'events'],
    ['text/event-stream', undefined, 'events'],
    ['application/json', SDK, 'json'],
    ['application/json, text/event-stream;q=0.5', SDK, 'json'],
    ['application/json;q=0.2, text/event-stream', 'curl/8.5.0', 'events'],
    ['text/event-stream;q=0, */*', SDK, 'events'],
    ['text/event-stream;q=0, application/json', SDK, 'json'],
    ['TEXT/EVENT-STREAM', undefined, 'events'],
    ['text/*', SDK, 'events'],
    ['text/*', 'curl/8.5.0', 'json'],
  ] as const)('Accept %s from %s → %s', (accept, userAgent, form) => {
    expect(spekoAnswerForm(accept, userAgent)).toBe(form);
  });

  it('knows the SDK by its User-Agent prefix only', () => {
    expect(isSpekoSdk(SDK)).toBe(true);
    expect(isSpekoSdk('@spekoai/sdk/1.0.0-beta.1')).toBe(true);
    expect(isSpekoSdk('my-app @spekoai/sdk/0.5.4')).toBe(false);
    expect(isSpekoSdk('spekoai-python/0.3')).toBe(false);
    expect(isSpekoSdk(undefined)).toBe(false);
  });
});

describe('spekoErrorBody', () => {
  it('is the message as a string and the code in upper case, with type and param beside', () => {
    const error = new AppError({
      type: 'invalid_request_error',
      code: 'invalid_request',
      status: 400,
      message: 'messages: must not be empty',
      param: 'messages',
    });
    expect(spekoErrorBody(error)).toEqual({ error: 'messages: must not be empty', code: 'INVALID_REQUEST', type: 'invalid_request_error', param: 'messages' });
    expect(spekoErrorBody(new AppError({ type: 'api_error', code: 'internal_error', status: 500, message: 'boom' }))).toMatchObject({ param: null });
  });
});
