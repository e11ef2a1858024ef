import { encodeMultipart, type MultipartFields, type MultipartFile } from './multipart';

/** What an upstream call sends: the three shapes voxq's vendors take. */
export type UpstreamBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'multipart'; fields: MultipartFields; file: MultipartFile }
  | { kind: 'binary'; data: Buffer; contentType: string };

/** A JSON body (chat, speech requests). */
export const jsonBody = (value: unknown): UpstreamBody => ({ kind: 'json', value });

/** A multipart/form-data body: text fields and one file (Whisper uploads). */
export const multipartBody = (fields: MultipartFields, file: MultipartFile): UpstreamBody => ({ kind: 'multipart', fields, file });

/** The bytes as they are, under their own content type (Deepgram takes the audio as the body). */
export const binaryBody = (data: Buffer, contentType: string): UpstreamBody => ({ kind: 'binary', data, contentType });

/** The bytes on the wire and their `content-type`. */
export function encodeBody(body: UpstreamBody): { payload: string | Buffer; contentType: string } {
  switch (body.kind) {
    case 'json':
      return { payload: JSON.stringify(body.value), contentType: 'application/json' };
    case 'multipart': {
      const encoded = encodeMultipart(body.fields, body.file);
      return { payload: encoded.body, contentType: encoded.contentType };
    }
    case 'binary':
      return { payload: body.data, contentType: body.contentType };
  }
}
