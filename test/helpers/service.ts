// Recording a letter's service (送达) as staff do, for tests whose periods must run (docs/statute.md §6).
import type { LightMyRequestResponse } from 'fastify';

type Client = { get(url: string): Promise<LightMyRequestResponse>; post(url: string, body?: unknown): Promise<LightMyRequestResponse> };

/** The case's latest letter of `kind` served by post on `servedOn` (default: the day it was issued). */
export async function serveByPost(client: Client, trackingNumber: string, kind: string, servedOn?: string): Promise<void> {
  const view = (await client.get(`/api/cases/${trackingNumber}`)).json() as { letters: { id: number; kind: string; issuedOn: string }[] };
  const letter = view.letters.filter((l) => l.kind === kind).at(-1);
  if (!letter) throw new Error(`${trackingNumber} has no ${kind}`);
  const res = await client.post(`/api/cases/${trackingNumber}/letters/${letter.id}/service`, { method: 'post', servedOn: servedOn ?? letter.issuedOn, reference: 'XA000000000CN' });
  if (res.statusCode !== 201) throw new Error(`service of ${kind} on ${trackingNumber}: ${res.statusCode} ${res.body}`);
}
