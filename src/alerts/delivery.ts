// One webhook call, and when to try again after a failed one.

/** A notification that cannot be delivered within this long after its capture completed is marked failed. */
export const GIVE_UP_MS = 3_600_000;
/** Longest wait between two attempts. */
const MAX_BACKOFF_MS = 300_000;
/** A receiver that has not answered within this long has failed this attempt. */
const ATTEMPT_TIMEOUT_MS = 10_000;

/** Waits of 1 s, 2 s, 4 s… after the 1st, 2nd, 3rd… failed attempt, at most MAX_BACKOFF_MS. */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** When to try again after `attempts` failures, or null when the notification is to be marked failed. */
export function nextAttemptAt(readyAt: number, attempts: number, now: number): number | null {
  const at = now + backoffMs(attempts);
  if (now - readyAt >= GIVE_UP_MS) return null;
  return Math.min(at, readyAt + GIVE_UP_MS);
}

/** POSTs a notification; success is a 2xx answer. Never throws: a failure is a result. */
export async function post(
  url: string,
  id: string,
  body: string,
): Promise<{ ok: boolean; status?: number; error?: string }> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": id,
        "X-Edge-Tail-Alert-Id": id,
        "User-Agent": "edge-tail-alerts",
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    // The answer's body is not needed; reading it frees the connection.
    await response.body?.cancel();
    return response.ok ? { ok: true, status: response.status } : { ok: false, status: response.status };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
