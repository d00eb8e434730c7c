// A merged view's positions (`a:12,b:40`: each stream's last id) read and joined. The page resumes from the
// higher of what it holds and what the server last said, so a stream with no line held resumes where it is too.

/** `a:12,b:40` as a map; parts that are not `name:id` are left out. */
export function parsePositions(text: string | undefined): Map<string, number> {
  const positions = new Map<string, number>();
  for (const part of (text ?? "").split(",")) {
    const colon = part.lastIndexOf(":");
    const id = Number(part.slice(colon + 1));
    if (colon > 0 && Number.isSafeInteger(id)) positions.set(part.slice(0, colon), id);
  }
  return positions;
}

/** Every stream of either, at the higher of its two ids. */
export function joinPositions(a: string | undefined, b: string | undefined): string {
  const joined = parsePositions(a);
  for (const [name, id] of parsePositions(b)) joined.set(name, Math.max(id, joined.get(name) ?? 0));
  return [...joined].map(([name, id]) => `${name}:${id}`).join(",");
}
