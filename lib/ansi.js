// ANSI/VT escape sequences out of log text: what a terminal would not print, the search does not see.

/**
 * One alternative per kind of sequence, longest forms first:
 * - CSI: `ESC [` or the 8-bit `\u009b`, parameter bytes, intermediate bytes, a final byte (SGR colours included);
 *   a sequence cut off at the end of the text loses its missing final byte;
 * - OSC (`ESC ]`) and the other string sequences DCS, SOS, PM, APC (`ESC P`, `ESC X`, `ESC ^`, `ESC _`),
 *   up to BEL or ST (`ESC \`); without a terminator, up to the next ESC or the end of the text;
 * - other escape sequences: `ESC`, intermediate bytes, a final byte (`ESC ( B`, `ESC 7`, `ESC c`);
 * - any ESC or `\u009b` byte left over.
 */
const SEQUENCE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*(?:[@-~]|$)|\u001b[\]PX^_][^\u0007\u001b]*(?:\u0007|\u001b\\|(?=\u001b)|$)|\u001b[ -/]*[0-~]|[\u001b\u009b]/g;

/**
 * The text without any ANSI/VT escape sequence; the input itself when it has none.
 * @param {string} text
 * @returns {string}
 */
export function stripAnsi(text) {
  if (text.indexOf("\u001b") === -1 && text.indexOf("\u009b") === -1) return text;
  return text.replace(SEQUENCE, "");
}
