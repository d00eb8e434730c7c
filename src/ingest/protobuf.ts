// A minimal protobuf wire reader and writer, every length checked (a 400 for malformed bytes).
import { ClientError } from "../errors";

/** Protobuf wire types this reader accepts (groups, 3 and 4, are refused). */
export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
export const FIXED32 = 5;

const WIRE_NAMES: Record<number, string> = { 0: "varint", 1: "fixed64", 2: "length-delimited", 5: "fixed32" };
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }); // ignoreBOM keeps a leading U+FEFF as text

/**
 * A bounds-checked reader of the protobuf wire format. Every problem with the bytes throws `ClientError(400)`
 * naming the format, the field and message being read, and what is wrong.
 */
export class ProtoReader {
  private pos = 0;
  private end: number;
  private where = "top level";
  // The last varint read, as two unsigned 32-bit halves, so no bigint is made unless one is needed.
  private lo = 0;
  private hi = 0;

  constructor(
    private readonly bytes: Uint8Array,
    /** Names the format in errors, as in "Malformed OTLP protobuf". */
    private readonly format: string,
  ) {
    this.end = bytes.length;
  }

  /** Throws the `ClientError` for a problem at the current field. */
  fail(problem: string): never {
    throw new ClientError(400, `Malformed ${this.format} protobuf: ${this.where}: ${problem}`);
  }

  /** Reads a length-delimited field as embedded message `name`; `onField` must read or `skip` each field. */
  message(wire: number, name: string, onField: (field: number, wire: number) => void): void {
    const length = this.length(wire);
    const outerEnd = this.end;
    const outerWhere = this.where;
    this.end = this.pos + length;
    this.root(name, onField);
    this.end = outerEnd;
    this.where = outerWhere;
  }

  /** Reads the fields up to the current end (the whole buffer, at first) as message `name`; `onField` must read or `skip` each field. */
  root(name: string, onField: (field: number, wire: number) => void): void {
    while (this.pos < this.end) {
      this.where = `tag in ${name}`;
      this.varint();
      if (this.hi !== 0) this.fail("field tag over 32 bits");
      const field = this.lo >>> 3;
      const wire = this.lo & 7;
      if (field === 0) this.fail("field number 0 is not allowed");
      this.where = `field ${field} of ${name}`;
      if (wire === 3 || wire === 4) this.fail("groups (wire types 3 and 4) are not supported");
      if (WIRE_NAMES[wire] === undefined) this.fail(`unknown wire type ${wire}`);
      onField(field, wire);
    }
  }

  /** Skips a field this decoder does not use. */
  skip(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === FIXED64) this.take(8);
    else if (wire === FIXED32) this.take(4);
    else this.take(this.length(wire));
  }

  /** A varint field as an unsigned 32-bit number (the low 32 bits, as protobuf truncates). */
  uint32(wire: number): number {
    this.expect(wire, VARINT);
    this.varint();
    return this.lo;
  }

  /** A varint field as a signed 32-bit number (int32 and enums). */
  int32(wire: number): number {
    return this.uint32(wire) | 0;
  }

  /** A varint field as a boolean. */
  bool(wire: number): boolean {
    this.expect(wire, VARINT);
    this.varint();
    return (this.lo | this.hi) !== 0;
  }

  /** A uint64 varint field as a decimal string. */
  uint64(wire: number): string {
    this.expect(wire, VARINT);
    this.varint();
    return this.decimal(false);
  }

  /** An int64 varint field (two's complement) as a decimal string. */
  int64(wire: number): string {
    this.expect(wire, VARINT);
    this.varint();
    return this.decimal(true);
  }

  /** A fixed64 field as an unsigned decimal string. */
  fixed64(wire: number): string {
    const at = this.take8(wire);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + at, 8);
    this.lo = view.getUint32(0, true);
    this.hi = view.getUint32(4, true);
    return this.decimal(false);
  }

  /** A double field. */
  double(wire: number): number {
    const at = this.take8(wire);
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + at, 8).getFloat64(0, true);
  }

  /** A fixed32 field as an unsigned number. */
  fixed32(wire: number): number {
    this.expect(wire, FIXED32);
    const at = this.take(4);
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + at, 4).getUint32(0, true);
  }

  /** A bytes field, as a view into the input (not a copy). */
  bytesField(wire: number): Uint8Array {
    const length = this.length(wire);
    const at = this.take(length);
    return this.bytes.subarray(at, at + length);
  }

  /** A string field; invalid UTF-8 is refused, as proto3 requires. */
  string(wire: number): string {
    const bytes = this.bytesField(wire);
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail("string is not valid UTF-8");
    }
  }

  private expect(wire: number, expected: number): void {
    if (wire !== expected) {
      this.fail(`wire type ${WIRE_NAMES[wire]}, expected ${WIRE_NAMES[expected]}`);
    }
  }

  private take8(wire: number): number {
    this.expect(wire, FIXED64);
    return this.take(8);
  }

  /** Advances past `count` bytes and returns where they start. */
  private take(count: number): number {
    if (count > this.end - this.pos) {
      this.fail(`${count} bytes needed but only ${this.end - this.pos} left`);
    }
    const at = this.pos;
    this.pos += count;
    return at;
  }

  private length(wire: number): number {
    this.expect(wire, LENGTH_DELIMITED);
    this.varint();
    const length = this.hi * 2 ** 32 + this.lo;
    if (length > this.end - this.pos) {
      const container = length > this.bytes.length - this.pos ? "the body" : "its enclosing message";
      this.fail(`length ${length} past the end of ${container}`);
    }
    return length;
  }

  /** Reads a varint of at most 10 bytes into `lo` and `hi`. */
  private varint(): void {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail("truncated varint");
      const byte = this.bytes[this.pos++] ?? 0;
      const bits = byte & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi = bits >>> 4;
      } else if (i < 9) hi |= bits << (7 * i - 32);
      else if (bits > 1) this.fail("varint overflows 64 bits");
      else hi |= bits << 31;
      if (byte < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    this.fail("varint longer than 10 bytes");
  }

  private decimal(signed: boolean): string {
    if (this.hi === 0) return String(this.lo);
    const value = (BigInt(this.hi) << 32n) | BigInt(this.lo);
    return String(signed ? BigInt.asIntN(64, value) : value);
  }
}

/** A minimal protobuf writer for the small messages sent back to clients. */
export class ProtoWriter {
  private readonly out: number[] = [];

  /** Writes a varint field; negative numbers are sign-extended to 64 bits, as int32 and int64 are. */
  varint(field: number, value: number | bigint): this {
    this.raw((field << 3) | VARINT);
    this.raw(BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  /** Writes a string field as UTF-8. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** Writes a length-delimited field (bytes or an embedded message). */
  bytes(field: number, value: Uint8Array): this {
    this.raw((field << 3) | LENGTH_DELIMITED);
    this.raw(value.length);
    for (const byte of value) this.out.push(byte);
    return this;
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }

  private raw(value: number | bigint): void {
    let rest = BigInt(value);
    while (rest > 0x7fn) {
      this.out.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.out.push(Number(rest));
  }
}
