// OTLP/HTTP answers: success and errors in the request's encoding (protobuf or JSON), as the specification asks.
import type { MiddlewareHandler } from "hono";
import { ClientError } from "../errors";
import { mediaTypeOf } from "../http/body";
import type { AppContext, AppEnv } from "../http/context";
import { encodeExportLogsServiceResponse, encodeRpcStatus } from "./otlp-proto";

/** Whether an OTLP request's media type (and so its answer) is protobuf; anything else is answered in JSON. */
export function isProtobuf(mediaType: string): boolean {
  return mediaType === "application/x-protobuf" || mediaType === "application/protobuf";
}

/** google.rpc.Code for an HTTP status, as the OTLP/HTTP specification pairs them. */
const RPC_CODES: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  405: 12, // UNIMPLEMENTED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3,
  422: 3,
  429: 8,
  503: 14, // UNAVAILABLE
};

/** The OTLP/HTTP success: an `ExportLogsServiceResponse` in the request's encoding (full success is empty). */
export function otlpSuccess(c: AppContext, mediaType: string): Response {
  if (isProtobuf(mediaType)) {
    return c.body(encodeExportLogsServiceResponse() as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": "application/x-protobuf",
    });
  }
  return c.json({});
}

/**
 * Answers an OTLP route's errors as the OTLP/HTTP specification asks: a `google.rpc.Status` in the request's
 * encoding (protobuf or JSON `{"code","message"}`), keeping the status and headers (Retry-After,
 * WWW-Authenticate) the one `onError` chose.
 */
export const otlpAnswers: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const error = c.error;
  if (error === undefined) return;
  const status = error instanceof ClientError ? error.status : 500;
  const message =
    error instanceof ClientError ? error.message : "Internal error: the request was not applied; retry it";
  const code = RPC_CODES[status] ?? 13; // INTERNAL
  const headers = new Headers(c.res.headers);
  headers.delete("Content-Length");
  // The error path may come before the route read the request: it works out the media type itself.
  if (isProtobuf(mediaTypeOf(c.req.header("Content-Type")))) {
    headers.set("Content-Type", "application/x-protobuf");
    c.res = undefined;
    c.res = new Response(encodeRpcStatus(code, message), { status, headers });
  } else {
    headers.set("Content-Type", "application/json");
    c.res = undefined;
    c.res = new Response(JSON.stringify({ code, message }), { status, headers });
  }
};
