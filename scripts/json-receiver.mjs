// A loopback HTTP server that reads each request's JSON body and answers as told: the webhook receiver of the
// alert bench and the alert tests.
import { createServer } from "node:http";

/**
 * @param {(request: import("node:http").IncomingMessage, body: any) => [number, string?]} answer
 *   the status (and text) for a request and its parsed body
 */
export function jsonReceiver(answer) {
  return createServer((request, response) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk) => {
      text += chunk;
    });
    request.on("end", () => {
      const [status, reply] = answer(request, JSON.parse(text));
      response.writeHead(status).end(reply);
    });
  });
}
