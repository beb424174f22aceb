/**
 * Files attached to inspections and certificates arrive as base64 in JSON. Only the types a
 * report is made of are taken (PDF and the common image formats), and the first bytes must be
 * those of the declared type: a file named .pdf that is not one is refused rather than served
 * back later with a content-type that lies.
 */
import { createHash } from 'node:crypto';
import { invalid } from './tooling-errors.ts';
import type { AttachmentInput } from './tooling-types.ts';

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/** A body with one file at the limit in base64 (4/3 of it) plus the report around it. */
export const ATTACHMENT_BODY_LIMIT = Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3) + 1024 * 1024;

/** Each type's signature: bytes at an offset that every such file has. */
const signatures: Record<string, ReadonlyArray<{ offset: number; bytes: readonly number[] }>> = {
  'application/pdf': [{ offset: 0, bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }], // %PDF-
  'image/png': [{ offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }],
  'image/jpeg': [{ offset: 0, bytes: [0xff, 0xd8, 0xff] }],
  'image/webp': [{ offset: 0, bytes: [0x52, 0x49, 0x46, 0x46] }, { offset: 8, bytes: [0x57, 0x45, 0x42, 0x50] }], // RIFF....WEBP
};
export const attachmentTypes = Object.keys(signatures);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const FILENAME = /^[^\\/\x00-\x1f"]{1,200}$/;

export interface CheckedFile {
  filename: string;
  contentType: string;
  data: Buffer;
  sha256: string;
}

/** The file's bytes, checked; `field` is where it sits in the body (e.g. `attachments.0`). */
export function checkAttachment(file: AttachmentInput, field: string): CheckedFile {
  const at = (key: string) => (field ? `${field}.${key}` : key);
  if (!FILENAME.test(file.filename)) throw invalid(at('filename'), `${JSON.stringify(file.filename)} is not a file name; send 1 to 200 characters without slashes, quotes or control characters`);
  const contentType = file.contentType.toLowerCase().split(';')[0]!.trim();
  const expected = signatures[contentType];
  if (!expected) throw invalid(at('contentType'), `${JSON.stringify(file.contentType)} is not taken; send one of ${attachmentTypes.join(', ')}`);
  const text = file.dataBase64.replace(/\s+/g, '');
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) throw invalid(at('dataBase64'), 'is not base64; send the file\'s bytes in standard base64 (A-Z a-z 0-9 + /, padded with =)');
  const data = Buffer.from(text, 'base64');
  if (data.length > MAX_ATTACHMENT_BYTES) throw invalid(at('dataBase64'), `the file has ${data.length} bytes; send at most ${MAX_ATTACHMENT_BYTES} (5 MiB)`);
  const matches = expected.every(({ offset, bytes }) => bytes.every((b, i) => data[offset + i] === b));
  if (!matches) throw invalid(at('contentType'), `the bytes of ${file.filename} are not a ${contentType} file; send the file's real type or the right file`);
  return { filename: file.filename, contentType, data, sha256: createHash('sha256').update(data).digest('hex') };
}

/** A content-disposition header that keeps any file name safe (RFC 6266 with RFC 5987 filename*). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
