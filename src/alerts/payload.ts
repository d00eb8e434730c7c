// What a notification's body says, in the generic JSON format or the Slack-compatible one.
import { lineText } from "../../lib/format.js";
import type { LogEntry, WebhookFormat } from "../../lib/types";

/** A firing's capture: the matching line and its context, as entries' wire JSON. */
export interface Capture {
  /** The notification's stable id: the same on every retry, so a receiver can drop repeats. */
  id: string;
  alert: string;
  stream: string;
  firedAt: number;
  entry: string;
  before: string[];
  after: string[];
  /** Opens the incident in the page. */
  url: string;
}

/** Context lines shown around the match in a Slack message, and the longest line shown. */
const SLACK_CONTEXT = 3;
const SLACK_LINE_CHARS = 300;
const SLACK_SECTION_CHARS = 2900;

export function notificationBody(capture: Capture, format: WebhookFormat): string {
  return format === "slack" ? JSON.stringify(slackBody(capture)) : jsonBody(capture);
}

/** `{"id","alert","stream","firedAt","entry","before","after","url"}`, entries as the events carry them. */
export function jsonBody(capture: Capture): string {
  const { id, alert, stream, firedAt, entry, before, after, url } = capture;
  // The entries are already JSON: joined, not parsed and serialised again.
  return `{"id":${JSON.stringify(id)},"alert":${JSON.stringify(alert)},"stream":${JSON.stringify(stream)},"firedAt":${firedAt},"entry":${entry},"before":[${before.join(",")}],"after":[${after.join(",")}],"url":${JSON.stringify(url)}}`;
}

/** `text` for clients that read only that, and blocks: the match, a few lines around it, the link. */
export function slackBody(capture: Capture): { text: string; blocks: unknown[] } {
  const match = mrkdwn(line(capture.entry));
  const before = capture.before.slice(-SLACK_CONTEXT).map((json) => `  ${mrkdwn(line(json))}`);
  const after = capture.after.slice(0, SLACK_CONTEXT).map((json) => `  ${mrkdwn(line(json))}`);
  // A section's text holds at most 3000 characters: context goes first, from the outside in.
  const size = () => [...before, match, ...after].reduce((sum, text) => sum + text.length + 3, 0);
  while (size() > SLACK_SECTION_CHARS && before.length + after.length > 0) {
    if (before.length >= after.length) before.shift();
    else after.pop();
  }
  const context = [...before, `▶ ${match}`, ...after].join("\n");
  const title = `Alert *${mrkdwn(capture.alert)}* on stream *${mrkdwn(capture.stream)}*`;
  return {
    text: `${title}: ${match}\n<${capture.url}|Open the incident>`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: title } },
      { type: "section", text: { type: "mrkdwn", text: `\`\`\`${context}\`\`\`` } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `<${capture.url}|Open the incident> (${capture.before.length} lines before, ${capture.after.length} after)`,
        },
      },
    ],
  };
}

/** One entry as a line of text, cut to a length a chat message can show. */
function line(json: string): string {
  let text: string;
  try {
    text = lineText(JSON.parse(json) as LogEntry);
  } catch {
    text = json;
  }
  // Line breaks would blur where an entry ends; backticks would close the code block.
  text = text.replace(/[\r\n\u2028\u2029]+/g, " ⏎ ").replaceAll("`", "ˋ");
  return text.length > SLACK_LINE_CHARS ? `${text.slice(0, SLACK_LINE_CHARS)}…` : text;
}

/** Slack's mrkdwn escapes: a log line cannot mention @channel, link, or format the message. */
function mrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
