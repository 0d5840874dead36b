import { CharsetError, declaredCharset, decodeText } from "../lib/charset.ts";
import { ApiError } from "../lib/problems.ts";

/** What to tell a user whose file cannot be read: the one save option that always works. */
const advice =
  'Save the file in Excel as "CSV UTF-8 (comma delimited)" ("CSV UTF-8 (kommaavgränsad)" in Swedish Excel) and import it again';

/**
 * The text of an uploaded member file, decoded as src/lib/charset.ts describes; a file whose
 * characters cannot be read with certainty is refused before anything else looks at it.
 */
export function importTextOf(bytes: Uint8Array, contentType: string | undefined): string {
  try {
    return decodeText(bytes, declaredCharset(contentType)).text;
  } catch (error) {
    if (!(error instanceof CharsetError)) throw error;
    if (error.problem === "unknown_charset") {
      throw new ApiError("unsupported_media_type", `The file's ${error.message}, or send it without a charset. ${advice}.`);
    }
    const utf16 = error.problem === "utf16_without_bom" ? ", or as UTF-16 with its byte-order mark" : "";
    throw new ApiError(
      "validation_failed",
      `The file's characters cannot be read: ${error.message}. ${advice}${utf16}; nothing was imported.`,
      {
        errors: [{ field: error.line === undefined ? "file" : `file line ${error.line}`, message: error.message }],
      },
    );
  }
}
