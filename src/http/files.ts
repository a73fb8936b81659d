// Sends a stored file as a download: its own type, a safe name, never sniffed or cached by the
// browser; its content streamed chunk by chunk as it is read (requests/cases.repository.ts).
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { withoutInvisibles } from '../common/text.js';

export function sendFile(reply: FastifyReply, file: { mime: string; filename: string; size: number }, content: AsyncIterable<Buffer>) {
  return reply
    .header('content-type', file.mime)
    .header('content-length', String(file.size))
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(withoutInvisibles(file.filename))}`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(Readable.from(content));
}

/** A spreadsheet made for this request (an export), as a download that no cache keeps. */
export function sendSpreadsheet(reply: FastifyReply, filename: string, file: Buffer) {
  return reply
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .header('cache-control', 'private, no-store')
    .send(file);
}
