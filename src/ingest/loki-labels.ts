// Loki's label selector syntax (`{job="x"}`), as its protobuf push carries labels.
import { ClientError } from "../errors";

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
};
const NAME_START = /[a-zA-Z_]/;
const NAME_PART = /[a-zA-Z0-9_]/;
const utf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/**
 * Parses the labels of a Loki protobuf stream, a selector such as `{job="x", msg="a \"b\"\n"}`: names bare
 * (`[a-zA-Z_][a-zA-Z0-9_]*`) or quoted, values in double quotes with Go escapes or in backquotes (raw),
 * whitespace anywhere between tokens, an optional trailing comma. Malformed text, or a name given twice,
 * throws `ClientError(400)` with the position.
 */
export function parseLokiLabels(text: string): Record<string, string> {
  return new LabelParser(text).parse();
}

class LabelParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): Record<string, string> {
    const pairs: [string, string][] = [];
    const seen = new Set<string>();
    this.expect("{");
    while (this.peek() !== "}") {
      const at = this.pos;
      const name = this.name();
      if (name === "") this.fail("a label name cannot be empty", at);
      if (seen.has(name)) this.fail(`label ${JSON.stringify(name)} is given twice`, at);
      seen.add(name);
      this.expect("=");
      pairs.push([name, this.quoted()]);
      if (this.peek() !== ",") break;
      this.pos++;
    }
    this.expect("}");
    if (this.peek() !== undefined) this.fail("unexpected text after the closing '}'");
    // fromEntries defines own properties, so a label named __proto__ stays a label.
    return Object.fromEntries(pairs);
  }

  /** The next character after any whitespace, without consuming it. */
  private peek(): string | undefined {
    while (/\s/.test(this.text[this.pos] ?? "")) this.pos++;
    return this.text[this.pos];
  }

  private expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected '${char}'`);
    this.pos++;
  }

  private name(): string {
    const first = this.peek();
    if (first === '"' || first === "`") return this.quoted();
    if (first === undefined || !NAME_START.test(first)) this.fail("expected a label name");
    const start = this.pos;
    while (NAME_PART.test(this.text[this.pos] ?? "")) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** A double-quoted string with Go escapes, or a backquoted raw string. */
  private quoted(): string {
    const quote = this.peek();
    if (quote === "`") {
      const close = this.text.indexOf("`", this.pos + 1);
      if (close < 0) this.fail("unterminated `string`");
      const raw = this.text.slice(this.pos + 1, close);
      this.pos = close + 1;
      return raw;
    }
    if (quote !== '"') this.fail("expected a quoted value");
    this.pos++;
    let out = "";
    // \x and octal escapes are bytes of UTF-8, gathered until a whole sequence can be decoded.
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length > 0) out += utf8.decode(Uint8Array.from(bytes));
      bytes = [];
    };
    for (;;) {
      const char = this.text[this.pos];
      if (char === undefined || char === "\n") this.fail("unterminated string");
      if (char === '"') break;
      if (char !== "\\") {
        flush();
        out += char;
        this.pos++;
        continue;
      }
      const at = this.pos;
      const kind = this.text[this.pos + 1] ?? "";
      this.pos += 2;
      const simple = SIMPLE_ESCAPES[kind];
      if (simple !== undefined) {
        flush();
        out += simple;
      } else if (kind === "x") bytes.push(this.digits(2, 16, at));
      else if (kind >= "0" && kind <= "7") {
        this.pos--;
        const value = this.digits(3, 8, at);
        if (value > 255) this.fail("octal escape above \\377", at);
        bytes.push(value);
      } else if (kind === "u" || kind === "U") {
        const code = this.digits(kind === "u" ? 4 : 8, 16, at);
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) this.fail("escape is not a valid code point", at);
        flush();
        out += String.fromCodePoint(code);
      } else this.fail(`unknown escape \\${kind}`, at);
    }
    flush();
    this.pos++;
    return out;
  }

  private digits(count: number, radix: number, escapeAt: number): number {
    const digits = this.text.slice(this.pos, this.pos + count);
    const pattern = radix === 16 ? /^[0-9a-fA-F]+$/ : /^[0-7]+$/;
    if (digits.length !== count || !pattern.test(digits)) {
      this.fail(`escape needs ${count} ${radix === 16 ? "hex" : "octal"} digits`, escapeAt);
    }
    this.pos += count;
    return Number.parseInt(digits, radix);
  }

  private fail(problem: string, at = this.pos): never {
    const shown = this.text.length > 200 ? `${this.text.slice(0, 200)}…` : this.text;
    throw new ClientError(
      400,
      `Malformed Loki stream labels at position ${at}: ${problem}; expected {name="value", …} in ${JSON.stringify(shown)}`,
    );
  }
}
