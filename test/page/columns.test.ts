// The `cols=` URL form (paths with optional widths, old `a,b` links read as before) and a row's time label
// beside the row above it, with plain values.
import { describe, expect, it } from "vitest";
import { formatColumns, parseColumns } from "../../page/view/column-spec";
import { timeLabel } from "../../page/view/time-label";

describe("cols=", () => {
  it("reads an old link's paths, sized to their values", () => {
    expect(parseColumns("http.status,user.id")).toEqual([{ path: "http.status" }, { path: "user.id" }]);
    expect(parseColumns(null)).toEqual([]);
    expect(parseColumns(" a , ,a,b ")).toEqual([{ path: "a" }, { path: "b" }]);
  });

  it("reads a width in characters after a path's last colon, kept within 4 and 120", () => {
    expect(parseColumns("http.status:14,user.id")).toEqual([{ path: "http.status", width: 14 }, { path: "user.id" }]);
    expect(parseColumns("a:1,b:9999")).toEqual([
      { path: "a", width: 4 },
      { path: "b", width: 120 },
    ]);
    // A colon followed by anything but digits is part of the path.
    expect(parseColumns("k8s:pod,x:")).toEqual([{ path: "k8s:pod" }, { path: "x" }]);
  });

  it("writes what it reads back, also a path that itself ends in a colon and digits", () => {
    const columns = [{ path: "http.status", width: 14 }, { path: "user.id" }, { path: "port:80" }, { path: "k8s:pod" }];
    const value = formatColumns(columns);
    expect(value).toBe("http.status:14,user.id,port:80:,k8s:pod");
    expect(parseColumns(value)).toEqual(columns);
    expect(parseColumns(formatColumns([{ path: "port:80", width: 20 }]))).toEqual([{ path: "port:80", width: 20 }]);
  });

  it("keeps at most 12 columns", () => {
    const many = Array.from({ length: 20 }, (_, i) => `f${i}`).join(",");
    expect(parseColumns(many)).toHaveLength(12);
  });
});

describe("timeLabel beside the row above", () => {
  const now = Date.now();
  const today = new Date(now).toISOString().slice(0, 10);
  const midnight = Date.parse(`${today}T00:00:00.000Z`);

  it("shows today's time alone under a row of today, and with its date under a row of another day", () => {
    expect(timeLabel(midnight + 1000, true, midnight + 500).text).toBe("00:00:01.000");
    expect(timeLabel(midnight + 1000, true, midnight - 1000).text).toBe(`${today} 00:00:01.000`);
    expect(timeLabel(midnight + 1000, true).text).toBe("00:00:01.000");
  });

  it("shows another day's date whatever the row above, and the full timestamp with its zone", () => {
    const label = timeLabel(midnight - 1000, true, midnight - 2000);
    expect(label.text).toMatch(/^\d{4}-\d\d-\d\d 23:59:59\.000$/);
    expect(label.title).toBe(`${label.text} UTC`);
  });

  it("takes a row above whose time no Date can show as the same day", () => {
    expect(timeLabel(midnight + 1000, true, 1e20).text).toBe("00:00:01.000");
  });
});
