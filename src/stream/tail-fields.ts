// Reads the few fields the pattern table needs straight from an entry's stored JSON (a tail `"time":…}` or
// its wire form `{"id":N,"time":…}`): no parse of the whole entry per line.

const MESSAGE = ',"message":"';
const TIME = '"time":';
const PATTERN = ',"pattern":"';

/** The entry's message, unescaped; "" when the JSON has none (it always has, as `tailOf` writes it). */
export function messageOf(json: string): string {
  const at = json.indexOf(MESSAGE);
  if (at < 0) return "";
  const start = at + MESSAGE.length;
  let end = json.indexOf('"', start);
  while (end > 0 && escapedAt(json, end)) end = json.indexOf('"', end + 1);
  if (end < 0) return "";
  const raw = json.slice(start, end);
  return raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
}

/** Whether the character at `at` follows an odd number of backslashes. */
function escapedAt(json: string, at: number): boolean {
  let slashes = 0;
  while (json.charCodeAt(at - 1 - slashes) === 92) slashes++;
  return slashes % 2 === 1;
}

/** The entry's time (epoch ms); 0 when it has none. */
export function timeOf(json: string): number {
  const at = json.indexOf(TIME);
  if (at < 0) return 0;
  const start = at + TIME.length;
  const time = Number(json.slice(start, json.indexOf(",", start)));
  return Number.isFinite(time) ? time : 0;
}

/** The pattern id `withId` put on the entry (its last member); undefined for one stored before patterns. */
export function patternOf(json: string): string | undefined {
  const at = json.lastIndexOf(PATTERN);
  if (at < 0 || !json.endsWith('"}')) return undefined;
  const id = json.slice(at + PATTERN.length, -2);
  return id.includes('"') ? undefined : id;
}
