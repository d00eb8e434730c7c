import { createParser, type EventSourceMessage } from "eventsource-parser";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeComment, encodeEvent, encodeLogEvent, encodeRetry } from "../../src/stream/sse";

function parse(wire: string): { events: EventSourceMessage[]; comments: string[]; retry: number[] } {
  const result = { events: [] as EventSourceMessage[], comments: [] as string[], retry: [] as number[] };
  const parser = createParser({
    onEvent: (event) => result.events.push(event),
    onComment: (comment) => result.comments.push(comment),
    onRetry: (ms) => result.retry.push(ms),
  });
  parser.feed(wire);
  return result;
}

describe("encoding", () => {
  it("writes the exact bytes of an event", () => {
    expect(encodeEvent({ id: 3, event: "gap", data: '{"from":1,"to":2}' })).toBe(
      'id: 3\nevent: gap\ndata: {"from":1,"to":2}\n\n',
    );
    expect(encodeLogEvent(12, '{"id":12}')).toBe('id: 12\nevent: log\ndata: {"id":12}\n\n');
    expect(encodeRetry(1000)).toBe("retry: 1000\n\n");
    expect(encodeComment("heartbeat")).toBe(": heartbeat\n\n");
  });

  it("splits data on every kind of line break, so none can end the event early", () => {
    expect(encodeEvent({ data: "a\r\nb\rc\nevent: x\ndata: y" })).toBe(
      "data: a\ndata: b\ndata: c\ndata: event: x\ndata: data: y\n\n",
    );
  });

  it("refuses line breaks in id and event", () => {
    expect(() => encodeEvent({ id: "1\n2", data: "" })).toThrowError(/id must not contain/);
    expect(() => encodeEvent({ event: "a\rb", data: "" })).toThrowError(/event must not contain/);
  });
});

describe("round trip through a spec-compliant parser", () => {
  it("any data arrives exactly as sent, as one event", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.nat(), (data, id) => {
        // The spec normalises CRLF and CR to LF inside data.
        const { events } = parse(encodeEvent({ id, event: "log", data }));
        expect(events).toEqual([{ id: String(id), event: "log", data: data.replace(/\r\n?/g, "\n") }]);
      }),
    );
  });

  it("any message in an entry's JSON arrives intact", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 20 }), (messages) => {
        const wire = messages
          .map((message, i) => encodeLogEvent(i + 1, JSON.stringify({ id: i + 1, message })))
          .join("");
        const { events } = parse(wire);
        expect(events.map((event) => JSON.parse(event.data).message)).toEqual(messages);
        expect(events.map((event) => event.id)).toEqual(messages.map((_, i) => String(i + 1)));
      }),
    );
  });

  it("comments never produce events", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const { events, comments } = parse(encodeComment(text));
        expect(events).toEqual([]);
        expect(comments.length).toBeGreaterThan(0);
      }),
    );
  });
});
