import type { CommandInput } from '../command.ts';

/** Sends one admin request, prints the JSON answer (or the status for an empty one); exit 0 on 2xx. */
export async function send(input: CommandInput, method: string, path: string, body?: unknown): Promise<number> {
  const res = await input.client.request(method, path, body);
  input.print(res.body === null ? JSON.stringify({ status: res.status }) : JSON.stringify(res.body, null, 2));
  return res.status >= 200 && res.status < 300 ? 0 : 1;
}

export const segment = (value: string): string => encodeURIComponent(value);
