// The row's action list: the buttons every entry row carries (Copy) and those other features add (show context,
// link to a line). A feature calls addRowAction once at start; log-input.ts runs an action when its button is
// clicked, with the row's item.
import { element } from "../dom";
import type { EntryItem } from "../state";

export interface RowAction {
  /** Unique; the button's `data-action`. */
  name: string;
  label: string;
  /** What the button does, for its tooltip and screen readers. */
  title: string;
  run: (item: EntryItem, button: HTMLElement) => void;
}

const registered: RowAction[] = [];

export function addRowAction(action: RowAction) {
  registered.push(action);
}

export function rowAction(name: string): RowAction | undefined {
  return registered.find((action) => action.name === name);
}

/**
 * Gives an entry row its buttons the first time they can show (hovered or marked): a firehose builds a screen
 * of rows a frame, most never pointed at, and these are 4 of a row's elements.
 */
export function withActions(row: Element) {
  if (row.classList.contains("entry") && row.lastElementChild?.classList.contains("actions") !== true) {
    row.append(actionButtons());
  }
}

/** The row's buttons: Copy, then each added action. Not tab stops: the keyboard has its own keys on the log. */
function actionButtons(): HTMLElement {
  const actions = element("span", "actions");
  const copy = element("button", "copy", "Copy");
  copy.type = "button";
  copy.tabIndex = -1;
  copy.setAttribute("aria-label", "Copy this line");
  actions.append(copy);
  for (const action of registered) {
    const button = element("button", `action row-${action.name}`, action.label);
    button.type = "button";
    button.tabIndex = -1;
    button.dataset.action = action.name;
    button.title = action.title;
    actions.append(button);
  }
  return actions;
}
