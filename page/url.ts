// The page's URL: the numbers it may give, and the filter it keeps so a reload or a shared link shows the same view.

/** A positive whole number from the URL, or `fallback` when it is missing or anything else. */
export function positive(value: string | null, fallback: number): number {
  const n = Number(value);
  return value !== null && Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/** Sets (or, when empty, removes) one parameter of the URL without a new history entry. */
export function setUrl(name: string, value: string) {
  const url = new URL(location.href);
  if (value) url.searchParams.set(name, value);
  else url.searchParams.delete(name);
  history.replaceState(null, "", url);
}

/** Whether the page shows times in UTC (`tz=utc`, which the UTC button keeps in the URL) rather than local time. */
export function utcWanted(): boolean {
  return new URLSearchParams(location.search).get("tz") === "utc";
}
