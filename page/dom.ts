// The few DOM helpers every part of the page uses: the element of an id in index.html, and a new element.

/** The element with this id in index.html (it is there: the page ships with it). */
export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** A new element with a class and, optionally, text (as text, never HTML). */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
