/**
 * A token bucket: `ratePerSecond` requests on average, up to `burst` at once. Lives in the stream's
 * Durable Object, which sees every request of its stream in order, so no shared counter is needed.
 */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#at = now;
  }

  /** Takes one token: 0 when the request may go, else the milliseconds until one is available. */
  take(now: number): number {
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) * this.ratePerSecond) / 1000);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) * 1000) / this.ratePerSecond);
  }

  /** Gives back a token taken for a request that was then refused elsewhere, so it costs nothing. */
  refund(): void {
    this.#tokens = Math.min(this.burst, this.#tokens + 1);
  }
}
