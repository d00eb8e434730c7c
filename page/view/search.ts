// The search box: a query in the shared language, checked on each keystroke (debounced). An invalid query is
// shown next to the box and never applied nor sent; a valid one is applied when it means something new.
import { formatQueryError, parseQuery, type Query } from "../../lib/query.js";

const DEBOUNCE_MS = 250;

export class SearchBox {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The normalised text of the query applied last. */
  private applied = "";

  constructor(
    readonly input: HTMLInputElement,
    private readonly error: HTMLElement,
    private readonly apply: (query: Query | null, source: string) => void,
  ) {
    input.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.check(), DEBOUNCE_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.check();
    });
  }

  /** Validates the box now and applies the query if it is valid and new; returns whether it was valid. */
  check(): boolean {
    clearTimeout(this.timer);
    const source = this.input.value;
    const parsed = parseQuery(source);
    if (!parsed.ok) {
      this.error.textContent = formatQueryError(source, parsed.error);
      this.input.setAttribute("aria-invalid", "true");
      return false;
    }
    this.error.textContent = "";
    this.input.removeAttribute("aria-invalid");
    const query = parsed.query.isEmpty ? null : parsed.query;
    const text = query?.text ?? "";
    if (text !== this.applied) {
      this.applied = text;
      this.apply(query, source);
    }
    return true;
  }

  set(source: string) {
    this.input.value = source;
    this.check();
  }

  /** Adds a term (e.g. from a clicked field value) to the query and applies it at once. */
  addTerm(term: string) {
    const current = this.input.value.trim();
    this.set(current === "" ? term : `${current} ${term}`);
  }
}
