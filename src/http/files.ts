// Sends a stored file as a download: its own type, a safe name, never sniffed or cached by the browser.
import type { FastifyReply } from 'fastify';

export function sendFile(reply: FastifyReply, file: { mime: string; filename: string; content: Buffer }) {
  return reply
    .header('content-type', file.mime)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(file.content);
}
