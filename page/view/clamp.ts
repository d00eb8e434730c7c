// Which rows hide text at the width they were laid out at: "show more" appears on exactly those (a message
// past its lines, fields past the line's end, or text the row leaves for its expansion), and a row whose search
// match would be out of sight opens instead, so a match is never hidden. Run on rows just measured: all reads
// first, then all writes, so one check lays out the page once.

/** Whether `inner` (a mark) lies outside what `box` shows. */
function outside(inner: Element, box: DOMRect): boolean {
  const rect = inner.getBoundingClientRect();
  return rect.bottom > box.bottom + 1 || rect.right > box.right + 1;
}

export function checkClamps(rows: HTMLElement[]) {
  const found: Array<[HTMLElement, boolean, boolean]> = [];
  for (const row of rows) {
    if (!row.classList.contains("entry") || row.classList.contains("expanded")) continue;
    const message = row.querySelector<HTMLElement>(".message");
    const fields = row.querySelector<HTMLElement>(".fields");
    const messageHides = message !== null && message.scrollHeight > message.clientHeight + 1;
    const fieldsHide = fields !== null && fields.scrollWidth > fields.clientWidth + 1;
    let hitHidden = false;
    if (messageHides && message) {
      const box = message.getBoundingClientRect();
      for (const mark of message.querySelectorAll("mark")) if (outside(mark, box)) hitHidden = true;
    }
    if (fieldsHide && fields) {
      const box = fields.getBoundingClientRect();
      for (const mark of fields.querySelectorAll("mark")) if (outside(mark, box)) hitHidden = true;
    }
    found.push([row, messageHides || fieldsHide || row.dataset.more !== undefined, hitHidden]);
  }
  const opening: HTMLElement[] = [];
  for (const [row, hides, hitHidden] of found) {
    if (hitHidden) opening.push(row);
    else if (row.classList.contains("hides") !== hides) row.classList.toggle("hides", hides);
  }
  // An opened row shows its message and fields whole: only what waits for the expansion stays hidden. It grows,
  // so it opens in the next frame: growing a row while its size is being reported would loop the observer.
  if (opening.length > 0)
    requestAnimationFrame(() => {
      for (const row of opening) row.classList.add("open");
    });
}
