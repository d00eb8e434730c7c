// DELETE /api/streams/{stream}: lines, rules, incidents and list entry gone; viewers told; ids never repeat.
import { describe, expect, it } from "vitest";
import { eventually, freshStream, lastId, post, request, Subscription } from "../helpers";

const inList = async (stream: string) =>
  (await (await request(`/api/streams?prefix=${stream}`)).json<{ streams: { name: string }[] }>()).streams.some(
    (s) => s.name === stream,
  );

const remove = (stream: string) => request(`/api/streams/${stream}`, { method: "DELETE" });

describe("DELETE /api/streams/{stream}", () => {
  it("removes its lines, rules and incidents and its list entry, and answers 204", async () => {
    const stream = freshStream();
    const rule = { query: "boom", webhook: { url: "http://127.0.0.1:9/hook" } };
    const saved = await request(`/api/streams/${stream}/alerts/boom`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(rule),
    });
    expect(saved.status).toBe(201);
    await post(stream, "ERROR boom\nINFO after");
    await eventually(
      async () =>
        (await (await request(`/api/streams/${stream}/incidents`)).json<{ incidents: unknown[] }>()).incidents
          .length === 1,
      5000,
      "the rule's incident",
    );
    await eventually(() => inList(stream), 3000, `${stream} in the list`);

    const response = await remove(stream);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    const entries = await (await request(`/api/streams/${stream}/entries`)).json<{ entries: unknown[] }>();
    expect(entries.entries).toEqual([]);
    expect(await (await request(`/api/streams/${stream}/alerts`)).json()).toEqual({ alerts: [] });
    expect(await (await request(`/api/streams/${stream}/incidents`)).json()).toEqual({ incidents: [] });
    expect(await inList(stream)).toBe(false);
    // No report left on its way puts it back.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await inList(stream)).toBe(false);
  });

  it("tells open viewers with an event `deleted` and ends their responses", async () => {
    const stream = freshStream();
    await post(stream, "one\ntwo");
    const viewer = await Subscription.open(stream);
    await viewer.untilLogs(2);
    expect((await remove(stream)).status).toBe(204);
    await viewer.until("a deleted event", () => viewer.events.some((event) => event.event === "deleted"));
    const told = viewer.events.find((event) => event.event === "deleted");
    expect(JSON.parse(told?.data ?? "")).toEqual({ stream });
    await eventually(
      async () => (await (await request(`/api/streams/${stream}`)).json<{ subscribers: number }>()).subscribers === 0,
      3000,
      "the viewer's slot given back",
    );
    await Promise.race([
      viewer.done,
      new Promise((_, reject) => setTimeout(() => reject(new Error("the response did not end")), 3000)),
    ]);
  });

  it("tells a merged view, which goes on with its other streams", async () => {
    const gone = freshStream();
    const kept = freshStream();
    await post(gone, "in gone");
    await post(kept, "in kept");
    const view = new Subscription(await request(`/api/events?streams=${gone},${kept}`));
    await view.untilLogs(2);
    expect((await remove(gone)).status).toBe(204);
    await view.until("a deleted event", () => view.events.some((event) => event.event === "deleted"));
    expect(JSON.parse(view.events.find((event) => event.event === "deleted")?.data ?? "")).toEqual({ stream: gone });
    await post(kept, "still here");
    await view.untilLogs(3);
    expect(view.logs.at(-1)?.message).toBe("still here");
    await view.close();
  });

  it("starts the stream afresh on a later POST, with ids a resuming viewer has never seen", async () => {
    const stream = freshStream();
    const old = await post(stream, "a\nb\nc");
    expect(old.lastId).toBe(3);
    expect((await remove(stream)).status).toBe(204);
    const fresh = await post(stream, "new");
    expect(fresh.firstId).toBeGreaterThan(3);
    expect(await lastId(stream)).toBe(fresh.lastId);
    // A viewer that saw id 3 resumes: it gets the new line, under a new id, and nothing it saw.
    const resumed = await Subscription.open(stream, "", { "Last-Event-ID": "3" });
    await resumed.untilLogs(1);
    expect(resumed.logs.map((entry) => [entry.id, entry.message])).toEqual([[fresh.firstId, "new"]]);
    await resumed.close();
    // Deleted again while it had no lines: still no id reused.
    expect((await remove(stream)).status).toBe(204);
    expect((await post(stream, "newer")).firstId).toBeGreaterThan(fresh.firstId as number);
  });

  it("answers 400 for an invalid stream name", async () => {
    const response = await request("/api/streams/a%20b", { method: "DELETE" });
    expect(response.status).toBe(400);
    expect((await response.json<{ error: string }>()).error).toMatch(/Invalid stream name/);
  });
});
